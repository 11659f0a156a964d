//! Prints the plate candidates the circle search finds in chosen frames of a video (centre,
//! axes, support, in-frame share, contrast, score): a debugging aid for a clip whose bar is
//! not found (docs/realclips.md, "Pillarboxed clips").
//!
//!     cargo run --release --example plate_candidates -- VIDEO FRAME [FRAME ...]

use formcheck::track::bar::detect::{detect_plates, plate_score};
use formcheck::track::FrameImages;
use formcheck::video::Video;
use opencv::core::Mat;
use opencv::imgproc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).ok_or("usage: plate_candidates VIDEO FRAME [FRAME ...]")?;
    let wanted: Vec<usize> = args[2..].iter().map(|a| a.parse()).collect::<Result<_, _>>()?;
    let last = wanted.iter().copied().max().unwrap_or(0);
    let mut video = Video::open(std::path::Path::new(path))?;
    let (mut frame, mut gray) = (Mat::default(), Mat::default());
    while let Some(index) = video.read_into(&mut frame)? {
        if index > last {
            break;
        }
        if !wanted.contains(&index) {
            continue;
        }
        imgproc::cvt_color_def(&frame, &mut gray, imgproc::COLOR_BGR2GRAY)?;
        for f in detect_plates(&FrameImages { colour: &frame, gray: &gray }, 8)? {
            let e = f.ellipse;
            println!(
                "frame {index}: centre ({:.0}, {:.0}) axes {:.0}/{:.0} support {:.2} in_frame {:.2} contrast {:.0} score {:.2}",
                e.cx, e.cy, e.a, e.b, f.support, f.in_frame, f.contrast, plate_score(&f)
            );
        }
    }
    Ok(())
}
