//! Decoding the person detector: SSD anchors, box and keypoint regression, weighted
//! non-maximum suppression, and the crop that follows from a detection. Parameters are
//! MediaPipe's own (models/README.md lists where each comes from).

use super::crop::{Letterbox, Roi};
use super::engine::{DetectorOutput, ANCHORS, DETECTOR_SIZE};

const STRIDES: [usize; 5] = [8, 16, 32, 32, 32];
const MIN_SCORE: f64 = 0.5;
const SUPPRESSION_IOU: f64 = 0.3;

/// A person found by the detector, in frame pixels (continuous coordinates).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    pub score: f64,
    /// Box centre and size.
    pub cx: f64,
    pub cy: f64,
    pub w: f64,
    pub h: f64,
    /// Keypoints: 0 hip centre, 1 scale/rotation point, 2 shoulder centre, 3 upper-body point.
    pub keypoints: [(f64, f64); 4],
}

impl Detection {
    /// The landmark crop for this person.
    pub fn roi(&self) -> Roi {
        Roi::from_alignment(self.keypoints[0], self.keypoints[1])
    }
}

/// Anchor centres in normalized detector coordinates, in the model's output order.
pub fn anchors() -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(ANCHORS);
    let mut layer = 0;
    while layer < STRIDES.len() {
        let stride = STRIDES[layer];
        let mut per_cell = 0;
        while layer < STRIDES.len() && STRIDES[layer] == stride {
            per_cell += 2;
            layer += 1;
        }
        let fm = DETECTOR_SIZE.div_ceil(stride);
        for y in 0..fm {
            for x in 0..fm {
                for _ in 0..per_cell {
                    out.push(((x as f64 + 0.5) / fm as f64, (y as f64 + 0.5) / fm as f64));
                }
            }
        }
    }
    out
}

/// People in the frame, most confident first.
pub fn decode(raw: &DetectorOutput, anchors: &[(f64, f64)], letterbox: &Letterbox) -> Vec<Detection> {
    let n = DETECTOR_SIZE as f64;
    let mut found: Vec<Detection> = Vec::new();
    for (i, &(ax, ay)) in anchors.iter().enumerate().take(ANCHORS) {
        let score = sigmoid((raw.scores[i] as f64).clamp(-100.0, 100.0));
        if score < MIN_SCORE {
            continue;
        }
        let r = &raw.boxes[12 * i..12 * i + 12];
        let norm = |k: usize, a: f64| r[k] as f64 / n + a;
        let (cx, cy) = letterbox.to_frame(norm(0, ax), norm(1, ay));
        let w = r[2] as f64 * letterbox.scale;
        let h = r[3] as f64 * letterbox.scale;
        let mut keypoints = [(0.0, 0.0); 4];
        for (k, kp) in keypoints.iter_mut().enumerate() {
            *kp = letterbox.to_frame(norm(4 + 2 * k, ax), norm(5 + 2 * k, ay));
        }
        found.push(Detection { score, cx, cy, w, h, keypoints });
    }
    weighted_nms(found)
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn iou(a: &Detection, b: &Detection) -> f64 {
    let ix = ((a.cx + a.w / 2.0).min(b.cx + b.w / 2.0) - (a.cx - a.w / 2.0).max(b.cx - b.w / 2.0)).max(0.0);
    let iy = ((a.cy + a.h / 2.0).min(b.cy + b.h / 2.0) - (a.cy - a.h / 2.0).max(b.cy - b.h / 2.0)).max(0.0);
    let inter = ix * iy;
    let union = a.w * a.h + b.w * b.h - inter;
    if union > 0.0 {
        inter / union
    } else {
        0.0
    }
}

/// MediaPipe's weighted suppression: each cluster of overlapping boxes becomes their
/// score-weighted average, keeping the best score.
fn weighted_nms(mut found: Vec<Detection>) -> Vec<Detection> {
    found.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut out = Vec::new();
    while let Some(best) = found.first().copied() {
        let (cluster, rest): (Vec<Detection>, Vec<Detection>) =
            found.into_iter().partition(|d| iou(&best, d) > SUPPRESSION_IOU);
        found = rest;
        let total: f64 = cluster.iter().map(|d| d.score).sum();
        let avg = |f: &dyn Fn(&Detection) -> f64| cluster.iter().map(|d| f(d) * d.score).sum::<f64>() / total;
        let mut merged = best;
        merged.cx = avg(&|d| d.cx);
        merged.cy = avg(&|d| d.cy);
        merged.w = avg(&|d| d.w);
        merged.h = avg(&|d| d.h);
        for k in 0..4 {
            merged.keypoints[k] = (avg(&|d| d.keypoints[k].0), avg(&|d| d.keypoints[k].1));
        }
        out.push(merged);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchor_layout_matches_the_model() {
        let a = anchors();
        assert_eq!(a.len(), ANCHORS);
        // First layer: 28x28 cells, two anchors each, row-major.
        assert_eq!(a[0], (0.5 / 28.0, 0.5 / 28.0));
        assert_eq!(a[1], a[0]);
        assert_eq!(a[2], (1.5 / 28.0, 0.5 / 28.0));
        // The last 294 anchors: 7x7 cells with six anchors each.
        assert_eq!(a[1568 + 392], (0.5 / 7.0, 0.5 / 7.0));
        assert_eq!(a[ANCHORS - 1], (6.5 / 7.0, 6.5 / 7.0));
    }

    #[test]
    fn decodes_one_person_and_merges_duplicates() {
        let anchors = anchors();
        let mut raw = DetectorOutput { boxes: vec![0.0; ANCHORS * 12], scores: vec![-10.0; ANCHORS] };
        // Two neighbouring anchors fire on the same person.
        for &i in &[1568 + 392 + 6 * 24, 1568 + 392 + 6 * 24 + 1] {
            raw.scores[i] = 3.0;
            let r = &mut raw.boxes[12 * i..12 * i + 12];
            r[2] = 100.0;
            r[3] = 150.0;
            r[7] = -40.0; // keypoint 1 above keypoint 0
        }
        let lb = Letterbox::for_frame(224, 224);
        let found = decode(&raw, &anchors, &lb);
        assert_eq!(found.len(), 1);
        let d = found[0];
        assert!((d.cx - 112.0).abs() < 1e-6 && (d.cy - 112.0).abs() < 1e-6, "{d:?}");
        assert!((d.keypoints[1].1 - 72.0).abs() < 1e-6);
        let roi = d.roi();
        assert!(roi.rotation.abs() < 1e-9 && (roi.side - 100.0).abs() < 1e-6);
    }
}
