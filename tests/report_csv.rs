//! The per-frame CSV: reads back to exactly the JSON result's tracks, nulls included, and
//! its derived columns agree with the tracks.

mod report_support;

use formcheck::report::csv;
use formcheck::schema::*;
use report_support::*;

#[test]
fn csv_round_trips_to_the_json_tracks() {
    let mut a = fixture();
    // Gaps as real results have them: no bar, no body, a hidden point.
    a.frames[5].bar = None;
    a.frames[6].body = None;
    a.frames[7].bar = None;
    a.frames[7].body = None;
    if let Some(b) = a.frames[8].body.as_mut() {
        b.ankle[2] = 0.0;
    }
    let text = csv::to_string(&a);
    let back = csv::parse_frames(&text).unwrap();
    assert_eq!(back.len(), a.frames.len());
    // Exactly: every digit survives the CSV.
    assert_same_tracks(&back, &a.frames, 0.0);
    assert!(back == a.frames, "CSV tracks differ from the result's");

    // And through the JSON result, as another program would read both files.
    let dir = out_dir("report_csv");
    let json_path = dir.join("result.json");
    let csv_path = dir.join("frames.csv");
    formcheck::report::json::write(&a, &json_path).unwrap();
    csv::write(&a, &csv_path).unwrap();
    let from_json = formcheck::report::json::read(&json_path).unwrap();
    // serde_json may round a float's last bit when it parses; the CSV keeps every digit.
    assert_same_tracks(&csv::read_frames(&csv_path).unwrap(), &from_json.frames, 1e-9);
}

/// Frame by frame, the same bar and body points (within `tol` pixels), the same nulls.
fn assert_same_tracks(a: &[Frame], b: &[Frame], tol: f64) {
    assert_eq!(a.len(), b.len(), "frame count");
    let close = |x: &[f64], y: &[f64]| x.iter().zip(y).all(|(p, q)| (p - q).abs() <= tol);
    for (f, g) in a.iter().zip(b) {
        assert_eq!(f.i, g.i);
        assert!((f.t_s - g.t_s).abs() <= tol, "frame {}: time", f.i);
        match (f.bar, g.bar) {
            (Some(p), Some(q)) => {
                assert!(close(&[p.x_px, p.y_px, p.conf], &[q.x_px, q.y_px, q.conf]), "frame {}: bar", f.i)
            }
            (None, None) => {}
            _ => panic!("frame {}: bar present in one file only", f.i),
        }
        match (&f.body, &g.body) {
            (Some(p), Some(q)) => {
                let pts = |b: &Body| [b.shoulder, b.hip, b.knee, b.ankle, b.heel, b.toe, b.ear, b.wrist].concat();
                assert!(close(&pts(p), &pts(q)), "frame {}: body", f.i);
            }
            (None, None) => {}
            _ => panic!("frame {}: body present in one file only", f.i),
        }
    }
}

#[test]
fn csv_of_a_bar_only_result_has_empty_body_cells() {
    let a = bar_only(fixture());
    let text = csv::to_string(&a);
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    assert_eq!(header.len(), csv::header().len());
    let hip_x = header.iter().position(|h| *h == "hip_x_px").unwrap();
    let hip_h = header.iter().position(|h| *h == "hip_height_cm").unwrap();
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), header.len(), "row has every column: {line}");
        assert_eq!(cells[hip_x], "");
        assert_eq!(cells[hip_h], "");
    }
    assert!(csv::parse_frames(&text).unwrap() == a.frames, "bar-only tracks round trip");
}

#[test]
fn derived_columns_agree_with_the_tracks() {
    let a = fixture();
    let text = csv::to_string(&a);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let (height, x_cm, vel, rep, phase) =
        (col("bar_height_cm"), col("bar_x_cm"), col("bar_velocity_m_s"), col("rep"), col("phase"));
    let rows: Vec<Vec<String>> = lines.map(|l| l.split(',').map(str::to_string).collect()).collect();
    let num = |r: &Vec<String>, c: usize| r[c].parse::<f64>().ok();
    let plate_r = a.calibration.plate_diameter_cm / 2.0;
    for r in &a.reps {
        // At setup the plate rests on the floor: the bar is one plate radius up, near mid-foot.
        let setup = &rows[r.liftoff_frame - 1];
        assert!((num(setup, height).unwrap() - plate_r).abs() < 1.0, "bar height at setup");
        assert!(num(setup, x_cm).unwrap().abs() < 2.0, "bar over mid-foot at setup");
        assert_eq!(setup[rep], r.index.to_string());
        assert_eq!(setup[phase], "setup");
        let top = &rows[r.lockout_frame];
        assert!((num(top, height).unwrap() - (plate_r + r.rom_cm)).abs() < 2.0, "bar height at lockout");
        // Mid-pull the bar moves up at about the rep's speed.
        let mid = &rows[(r.liftoff_frame + r.lockout_frame) / 2];
        assert_eq!(mid[phase], "pull");
        let v = num(mid, vel).unwrap();
        assert!(v > 0.3 * r.mean_velocity_m_s && v <= r.peak_velocity_m_s + 0.05, "mid-pull velocity {v}");
    }
}

#[test]
fn a_damaged_csv_is_refused_with_the_row() {
    let a = fixture();
    let text = csv::to_string(&a).replacen("\n0,0,", "\n0,zero,", 1);
    let err = csv::parse_frames(&text).unwrap_err();
    assert!(err.contains("row 2"), "{err}");
    let dir = out_dir("report_csv_bad");
    let p = dir.join("bad.csv");
    std::fs::write(&p, "no,columns\n").unwrap();
    let e = csv::read_frames(&p).unwrap_err().to_string();
    assert!(e.contains("bad.csv") && e.contains("formcheck analyze --csv"), "{e}");
}

#[test]
fn frame_times_match_the_frame_rate() {
    let a = fixture();
    let back = csv::parse_frames(&csv::to_string(&a)).unwrap();
    for f in back.iter().step_by(37) {
        assert!((f.t_s - f.i as f64 / a.video.fps).abs() < 1e-9);
        assert!(matches!(f.body, Some(Body { .. })));
    }
}
