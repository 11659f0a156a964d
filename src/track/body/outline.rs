//! The back's outline from the landmark network's person mask.
//!
//! Two points (shoulder, hip) flatten a curved back: a rounding spine shortens the chord
//! between them only a little. The mask shows the back's surface itself. A trunk held
//! neutral is close to rigid, so the back's offset from the shoulder–hip line stays the same
//! whatever the trunk's angle; a back that rounds bulges out of that line, by several
//! centimetres for a few per cent of chord.

use super::engine::{SegmentationMask, LANDMARK_SIZE};

/// Stations along the shoulder–hip line where the edge is looked for, hip end to shoulder end.
pub const STATIONS: usize = 7;
const FIRST_STATION: f64 = 0.2;
const LAST_STATION: f64 = 0.8;
/// Search step along the normal, crop pixels.
const STEP_PX: f64 = 0.5;
/// The edge is looked for up to this share of the chord away from the line.
const MAX_OFFSET: f64 = 0.8;
/// A chord shorter than this (crop pixels) is too small to read an outline from.
const MIN_CHORD_PX: f64 = 12.0;

/// The body's edge on both sides of the shoulder–hip line, as offsets from it in shares of
/// the chord, at `STATIONS` evenly spaced stations from the hip end to the shoulder end.
/// "Left" is the left of the hip-to-shoulder direction as the picture is seen: the back of a
/// lifter facing right.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BackProfile {
    pub left: [Option<f32>; STATIONS],
    pub right: [Option<f32>; STATIONS],
}

impl BackProfile {
    /// The offsets on the side of the back for a lifter facing right (`true`) or left.
    pub fn back(&self, facing_right: bool) -> &[Option<f32>; STATIONS] {
        if facing_right {
            &self.left
        } else {
            &self.right
        }
    }

    /// How far the back stands out of the shoulder–hip line: the largest offset over the
    /// middle stations (the low and mid back; the ends meet the glutes and shoulder blades).
    pub fn back_offset(&self, facing_right: bool) -> Option<f64> {
        self.back(facing_right)[1..STATIONS - 1].iter().flatten().map(|&v| v as f64).max_by(f64::total_cmp)
    }
}

/// Reads the profile from `mask` with `shoulder` and `hip` in crop pixels. `None` when the
/// chord is too short or the line itself is not on the person.
pub fn profile(mask: &SegmentationMask, shoulder: (f64, f64), hip: (f64, f64)) -> Option<BackProfile> {
    let (cx, cy) = (shoulder.0 - hip.0, shoulder.1 - hip.1);
    let len = cx.hypot(cy);
    if !(len >= MIN_CHORD_PX) || mask.logits.len() != LANDMARK_SIZE * LANDMARK_SIZE {
        return None;
    }
    // Left of (cx, cy) with y pointing down the picture.
    let left = (cy / len, -cx / len);
    let mut out = BackProfile { left: [None; STATIONS], right: [None; STATIONS] };
    let mut any = false;
    for k in 0..STATIONS {
        let t = FIRST_STATION + (LAST_STATION - FIRST_STATION) * k as f64 / (STATIONS - 1) as f64;
        let p = (hip.0 + t * cx, hip.1 + t * cy);
        out.left[k] = edge_offset(mask, p, left, len).map(|d| (d / len) as f32);
        out.right[k] = edge_offset(mask, p, (-left.0, -left.1), len).map(|d| (d / len) as f32);
        any |= out.left[k].is_some() || out.right[k].is_some();
    }
    any.then_some(out)
}

/// Distance from `p` along unit `dir` to where the mask falls below one half (logit 0),
/// interpolated between search steps. `None` when `p` is not on the person or no edge is
/// found within reach.
fn edge_offset(mask: &SegmentationMask, p: (f64, f64), dir: (f64, f64), chord: f64) -> Option<f64> {
    let mut prev = logit_at(mask, p.0, p.1)?;
    if prev <= 0.0 {
        return None;
    }
    let steps = (MAX_OFFSET * chord / STEP_PX) as usize;
    for s in 1..=steps {
        let d = s as f64 * STEP_PX;
        let v = logit_at(mask, p.0 + d * dir.0, p.1 + d * dir.1)?;
        if v <= 0.0 {
            return Some(d - STEP_PX * v / (v - prev));
        }
        prev = v;
    }
    None
}

/// Bilinear logit at crop position (x, y), with mask cell (c, r) centred on (c + 0.5, r + 0.5).
/// `None` outside the crop: an edge there cannot be told from the crop's border.
fn logit_at(mask: &SegmentationMask, x: f64, y: f64) -> Option<f64> {
    let n = LANDMARK_SIZE as f64;
    let (u, v) = (x - 0.5, y - 0.5);
    if !(u >= 0.0 && v >= 0.0 && u <= n - 1.0 && v <= n - 1.0) {
        return None;
    }
    let (c0, r0) = (u.floor() as usize, v.floor() as usize);
    let (c1, r1) = ((c0 + 1).min(LANDMARK_SIZE - 1), (r0 + 1).min(LANDMARK_SIZE - 1));
    let (fu, fv) = (u - c0 as f64, v - r0 as f64);
    let at = |c: usize, r: usize| mask.logits[r * LANDMARK_SIZE + c] as f64;
    let top = at(c0, r0) * (1.0 - fu) + at(c1, r0) * fu;
    let bottom = at(c0, r1) * (1.0 - fu) + at(c1, r1) * fu;
    Some(top * (1.0 - fv) + bottom * fv)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A mask that is +10 where `inside(x, y)` holds (at cell centres) and -10 elsewhere.
    fn mask(inside: impl Fn(f64, f64) -> bool) -> SegmentationMask {
        let mut logits = vec![-10.0f32; LANDMARK_SIZE * LANDMARK_SIZE];
        for r in 0..LANDMARK_SIZE {
            for c in 0..LANDMARK_SIZE {
                if inside(c as f64 + 0.5, r as f64 + 0.5) {
                    logits[r * LANDMARK_SIZE + c] = 10.0;
                }
            }
        }
        SegmentationMask { logits }
    }

    #[test]
    fn an_upright_box_trunk_gives_its_half_widths() {
        // Trunk from x 100 to 140, line at x 120 from hip (y 180) up to shoulder (y 80).
        let m = mask(|x, y| (100.0..140.0).contains(&x) && (60.0..200.0).contains(&y));
        let p = profile(&m, (120.0, 80.0), (120.0, 180.0)).unwrap();
        for k in 0..STATIONS {
            // Facing right the back is on the picture's left (smaller x): 20 px of a 100 px chord.
            assert!((p.back(true)[k].unwrap() - 0.2).abs() < 0.01, "{p:?}");
            assert!((p.back(false)[k].unwrap() - 0.2).abs() < 0.01, "{p:?}");
        }
    }

    #[test]
    fn a_bulging_back_reads_further_out_in_the_middle_than_at_the_ends() {
        // Lifter facing right, bent 45°: hip at (100, 160), shoulder at (170, 90). The back is
        // up-left of the line; it bulges out by up to 15 px in the middle.
        let (hip, sh) = ((100.0, 160.0), (170.0, 90.0));
        let len = 70.0f64 * 2f64.sqrt();
        let (ux, uy) = (70.0 / len, -70.0 / len);
        let (nx, ny) = (uy, -ux);
        let m = mask(|x, y| {
            let (dx, dy) = (x - hip.0, y - hip.1);
            let along = (dx * ux + dy * uy) / len;
            let across = dx * nx + dy * ny;
            let bulge = 15.0 * (std::f64::consts::PI * along).sin().max(0.0);
            (0.0..=1.0).contains(&along) && across > -20.0 && across < 12.0 + bulge
        });
        let p = profile(&m, sh, hip).unwrap();
        let back: Vec<f32> = p.back(true).iter().map(|v| v.unwrap()).collect();
        let mid = back[STATIONS / 2] as f64 * len;
        assert!((mid - 27.0).abs() < 1.0, "middle offset {mid} px, {back:?}");
        assert!(back[0] < back[STATIONS / 2] && back[STATIONS - 1] < back[STATIONS / 2]);
        let front = p.back(false)[STATIONS / 2].unwrap() as f64 * len;
        assert!((front - 20.0).abs() < 1.0, "belly side {front}");
    }

    #[test]
    fn no_profile_off_the_person_or_from_a_tiny_chord() {
        let m = mask(|x, _| x < 50.0);
        assert!(profile(&m, (120.0, 80.0), (120.0, 180.0)).is_none());
        let m = mask(|_, _| true);
        assert!(profile(&m, (120.0, 120.0), (120.0, 126.0)).is_none());
    }

    #[test]
    fn an_edge_outside_the_crop_is_not_an_edge() {
        let m = mask(|_, _| true);
        assert!(profile(&m, (128.0, 60.0), (128.0, 200.0)).is_none());
    }
}
