//! Where the mid-foot line is. The near plate hides the feet while the bar is low, but feet
//! do not move during a set: the body tracker carries the foot from the frames where it is
//! seen (at lockout the plates are at thigh height and the feet are in full view). The
//! bar's x at setup is the fallback, and the result says which was used.

use crate::schema::MidfootSource;
use crate::track::body::post::FootPosition;

/// Feet found further than this from the bar at setup (cm) are not where the feet of a
/// lifter holding that bar stand: the foot points are wrong, not the lifter.
pub const MAX_FOOT_TO_BAR_CM: f64 = 15.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Midfoot {
    pub x_px: f64,
    pub source: MidfootSource,
    pub note: Option<String>,
}

pub fn locate(foot: Option<FootPosition>, bar_at_setup_px: Option<f64>, cm_per_px: f64) -> Option<Midfoot> {
    let from_bar = |note: String| {
        bar_at_setup_px.map(|x| Midfoot { x_px: x, source: MidfootSource::BarAtSetup, note: Some(note) })
    };
    match (foot, bar_at_setup_px) {
        (Some(f), bar) => {
            let x = f.midfoot_x;
            match bar {
                Some(b) if ((x - b) * cm_per_px).abs() > MAX_FOOT_TO_BAR_CM => from_bar(format!(
                    "The feet were found {:.0} cm from the bar at setup, which is not where a lifter holding the bar stands; mid-foot is taken as the bar's position at setup, so bar drift is measured from where the bar started.",
                    ((x - b) * cm_per_px).abs()
                )),
                _ => Some(Midfoot { x_px: x, source: MidfootSource::Feet, note: None }),
            }
        }
        (None, Some(_)) => from_bar(
            "The feet were never seen clear of the plate; mid-foot is taken as the bar's position at setup, so bar drift is measured from where the bar started and the start offset cannot be judged.".into(),
        ),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn foot(heel: f64, toe: f64) -> FootPosition {
        FootPosition {
            heel: (heel, 500.0),
            toe: (toe, 505.0),
            ankle: (heel + 5.0, 480.0),
            midfoot_x: 0.5 * (heel + toe),
        }
    }

    #[test]
    fn feet_near_the_bar_give_mid_foot() {
        let m = locate(Some(foot(300.0, 360.0)), Some(335.0), 0.25).unwrap();
        assert_eq!((m.x_px, m.source), (330.0, MidfootSource::Feet));
    }

    #[test]
    fn implausible_feet_fall_back_to_the_bar_with_a_note() {
        let m = locate(Some(foot(100.0, 160.0)), Some(335.0), 0.25).unwrap();
        assert_eq!((m.x_px, m.source), (335.0, MidfootSource::BarAtSetup));
        assert!(m.note.unwrap().contains("cm from the bar"));
    }

    #[test]
    fn no_feet_falls_back_to_the_bar() {
        let m = locate(None, Some(335.0), 0.25).unwrap();
        assert_eq!(m.source, MidfootSource::BarAtSetup);
        assert!(locate(None, None, 0.25).is_none());
    }
}
