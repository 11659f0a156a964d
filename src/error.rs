//! One error type for the library. Every variant carries the values that went wrong and
//! its message says what to do about it: users are lifters and coaches, not programmers.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(transparent)]
    Render(#[from] crate::render::RenderError),

    #[error("OpenCV failed while {context}: {source}")]
    OpenCv {
        context: String,
        #[source]
        source: opencv::Error,
    },
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }

    pub fn opencv(context: impl Into<String>) -> impl FnOnce(opencv::Error) -> Self {
        let context = context.into();
        move |source| Error::OpenCv { context, source }
    }
}
