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

    #[error(
        "{path}: no such file. Check the path (drag the video onto the terminal to paste it)."
    )]
    VideoNotFound { path: PathBuf },

    #[error("{path}: the file is empty (0 bytes). Copy the video from the phone again.")]
    EmptyFile { path: PathBuf },

    #[error("{path}: not a video formcheck can read. Give an .mp4/.mov/.mkv file straight from the camera.")]
    NotAVideo { path: PathBuf },

    #[error("{path}: the file opens but no frame could be decoded (damaged or audio-only). Export the clip again.")]
    NoFrames { path: PathBuf },

    #[error("{path}: frame rate {fps} is not a camera's. Re-export the clip at a constant frame rate (e.g. 30 fps).")]
    BadFrameRate { path: PathBuf, fps: f64 },

    #[error("{path}: the video stops after {decoded} of {expected} frames; the file looks cut off. Copy it from the phone again.")]
    Truncated {
        path: PathBuf,
        decoded: usize,
        expected: usize,
    },

    #[error("{path}: only {frames} frames ({seconds:.1} s); film the whole set, from setup to the last lockout.")]
    TooShort {
        path: PathBuf,
        frames: usize,
        seconds: f64,
    },

    #[error("{path}: no barbell plate found in the first {frames_searched} frames. Film from the side with the near plate in view, or give its centre with --bar-at X,Y.")]
    NoPlate {
        path: PathBuf,
        frames_searched: usize,
    },

    #[error("--bar-at {x},{y} is outside the {width}x{height} video; give the plate centre in pixels of the upright frame.")]
    BarHintOutside {
        x: f64,
        y: f64,
        width: u32,
        height: u32,
    },

    #[error("no plate around --bar-at {x},{y}: nothing circular of a plate's size there. Give the centre of the near plate (the sleeve end).")]
    NoPlateAtHint { x: f64, y: f64 },

    #[error("invalid value {value} for {what}: {why}")]
    InvalidSetting {
        what: &'static str,
        value: String,
        why: String,
    },

    #[error("{path}: not a formcheck result ({why}). Give the JSON written by `formcheck analyze --json`.")]
    BadResultFile { path: PathBuf, why: String },

    #[error("could not draw {what}: {why}")]
    Plot { what: String, why: String },

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
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn opencv(context: impl Into<String>) -> impl FnOnce(opencv::Error) -> Self {
        let context = context.into();
        move |source| Error::OpenCv { context, source }
    }
}
