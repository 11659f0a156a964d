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

    #[error("{path}: no such file. Check the path (drag the video onto the terminal to paste it).")]
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
    Truncated { path: PathBuf, decoded: usize, expected: usize },

    #[error("{path}: only {frames} frames ({seconds:.1} s); film the whole set, from setup to the last lockout.")]
    TooShort { path: PathBuf, frames: usize, seconds: f64 },

    #[error("{path}: no barbell plate found in the first {frames_searched} frames. Film from the side with the near plate in view, or give its centre with --bar-at X,Y.")]
    NoPlate { path: PathBuf, frames_searched: usize },

    #[error(
        "--bar-at {x},{y} is outside the {width}x{height} video; give the plate centre in pixels of the upright frame."
    )]
    BarHintOutside { x: f64, y: f64, width: u32, height: u32 },

    #[error("no plate around --bar-at {x},{y}: nothing circular of a plate's size there. Give the centre of the near plate (the sleeve end).")]
    NoPlateAtHint { x: f64, y: f64 },

    #[error("invalid value {value} for {what}: {why}")]
    InvalidSetting { what: &'static str, value: String, why: String },

    #[error("{path}: not a formcheck result ({why}). Give the JSON written by `formcheck analyze --json`.")]
    BadResultFile { path: PathBuf, why: String },

    #[error("no video found in {}: formcheck takes files ending in {}. Name the videos or a folder that holds them.", inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "), crate::batch::VIDEO_EXTENSIONS.join("/"))]
    NoVideos { inputs: Vec<PathBuf> },

    #[error("could not write the summary CSV: {why}")]
    Csv { why: String },

    #[error("could not draw {what}: {why}")]
    Plot { what: String, why: String },

    #[error("{path}: the annotated video must be an .mp4 file (browser-playable H.264). Give a name ending in .mp4, e.g. --video annotated.mp4.")]
    VideoOutputNotMp4 { path: PathBuf },

    #[error("could not start the {codec} (H.264) writer for {path} ({width}x{height} at {fps} fps): this OpenCV's FFmpeg cannot encode H.264. Install FFmpeg with libx264 (Debian: apt-get install ffmpeg libopencv-dev) or leave out --video.")]
    VideoWriter { path: PathBuf, codec: String, width: u32, height: u32, fps: f64 },

    #[error("{path}: its {what} is {video} but the result was made from a video with {result}. Give the video the result came from (formcheck report --source VIDEO).")]
    VideoMismatch { path: PathBuf, what: String, video: String, result: String },

    #[error("{result}: the result's video {video} is not there. Give the original video with --source VIDEO.")]
    SourceVideoMissing { result: PathBuf, video: PathBuf },

    #[error("{path}: not a formcheck per-frame CSV ({why}). Give the CSV written by `formcheck analyze --csv`.")]
    BadCsv { path: PathBuf, why: String },

    #[error("body tracking could not start: ONNX Runtime {why}. Run scripts/setup.sh (it installs the library), or point {} at libonnxruntime.so. Looked in: {}", crate::track::body::engine::ORT_LIB_ENV, searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    RuntimeMissing { why: String, searched: Vec<PathBuf> },

    #[error("{what} failed: {why}")]
    Inference { what: String, why: String },

    #[error("{path}: not a formcheck history database ({why}). formcheck did not change it. Give --db a history file made by formcheck, or a new file name to start one.")]
    HistoryNotADatabase { path: PathBuf, why: String },

    #[error("{path}: {what}, not a formcheck history. formcheck did not change it. Give --db a history file made by formcheck, or a new file name to start one.")]
    HistoryForeign { path: PathBuf, what: String },

    #[error("{path}: the history database is damaged ({why}); formcheck did not change it. Restore it from a backup or re-import a `formcheck export` file into a new --db.")]
    HistoryCorrupt { path: PathBuf, why: String },

    #[error("{path}: made by a newer formcheck (history schema {found}; this formcheck reads up to {supported}). Update formcheck to use it; the file was not changed.")]
    HistoryTooNew { path: PathBuf, found: i64, supported: i64 },

    #[error("no history at {path} yet. Save a session first: formcheck analyze VIDEO --save --lifter NAME")]
    HistoryMissing { path: PathBuf },

    #[error("{path}: the folder {folder} does not exist. Create it, or give --db a path in an existing folder.")]
    HistoryFolderMissing { path: PathBuf, folder: PathBuf },

    #[error("{path}: another formcheck kept the history busy for {waited_s} s. Try again when it has finished.")]
    HistoryBusy { path: PathBuf, waited_s: u64 },

    #[error("{path}: history database error while {context}: {source}. Nothing was half-written; if it persists, check the disk (space, permissions).")]
    HistorySql {
        path: PathBuf,
        context: &'static str,
        #[source]
        source: rusqlite::Error,
    },

    #[error("no sessions saved for lifter '{lifter}' (lifters in this history: {known}). Check the spelling, or save one with --save --lifter.")]
    UnknownLifter { lifter: String, known: String },

    #[error("{lifter} has no session on {date}; sessions are on {dates}. Give one of those dates, or --baseline first / best.")]
    NoSessionOnDate { lifter: String, date: String, dates: String },

    #[error("{path}: not a formcheck history export ({why}). Give a file written by `formcheck export`.")]
    BadExportFile { path: PathBuf, why: String },

    #[error("{path}: exported by a newer formcheck ({found}; this formcheck reads {supported}). Update formcheck to import it.")]
    ExportTooNew { path: PathBuf, found: String, supported: &'static str },

    #[error("{path}: not a valid thresholds file: {why}. Start from `formcheck thresholds` (it prints the defaults).")]
    Thresholds { path: PathBuf, why: String },

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
