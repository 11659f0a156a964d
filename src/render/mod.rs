//! Synthetic side-view deadlift videos with exact truth (placeholder; being written).

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("render: {0}")]
    Invalid(String),
}

/// Command-line options of `formcheck render`.
#[derive(Debug, Clone, clap::Args)]
pub struct RenderArgs {}

pub fn run_cli(_args: &RenderArgs) -> Result<(), RenderError> {
    Err(RenderError::Invalid("not yet written".into()))
}
