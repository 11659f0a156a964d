//! The creation time of an MP4/MOV file, from its `moov/mvhd` box, without FFmpeg.
//!
//! ISO BMFF boxes are `size:u32 type:[u8;4]` (size 1: a `u64` size follows; size 0: the box
//! runs to the end of the file). `mvhd` version 0 stores `creation_time` as `u32`, version 1
//! as `u64`, in seconds since 1904-01-01 UTC. 0 (or anything before 2000 or in the future)
//! means the camera did not set it.

use chrono::{DateTime, Utc};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Seconds from 1904-01-01 to 1970-01-01.
const MAC_EPOCH_OFFSET: i64 = 2_082_844_800;
/// Boxes nested deeper than this are not a real file's.
const MAX_BOXES: usize = 10_000;

/// The video's creation time, or `None` when the file has none (or is not MP4/MOV).
pub fn creation_time(path: &Path) -> Option<DateTime<Utc>> {
    let mut f = std::fs::File::open(path).ok()?;
    let len = f.metadata().ok()?.len();
    let secs = find_mvhd_creation(&mut f, len)?;
    to_datetime(secs)
}

/// Seconds since 1904 → a plausible UTC time, or `None`.
pub fn to_datetime(secs_since_1904: u64) -> Option<DateTime<Utc>> {
    if secs_since_1904 == 0 {
        return None;
    }
    let unix = i64::try_from(secs_since_1904).ok()? - MAC_EPOCH_OFFSET;
    let t = DateTime::<Utc>::from_timestamp(unix, 0)?;
    let earliest = DateTime::<Utc>::from_timestamp(946_684_800, 0)?; // 2000-01-01
    let latest = Utc::now() + chrono::Duration::days(2);
    (t >= earliest && t <= latest).then_some(t)
}

/// Walks the top-level boxes to `moov`, then its children to `mvhd`.
pub fn find_mvhd_creation<R: Read + Seek>(r: &mut R, len: u64) -> Option<u64> {
    let moov = find_box(r, 0, len, b"moov")?;
    let mvhd = find_box(r, moov.0, moov.1, b"mvhd")?;
    r.seek(SeekFrom::Start(mvhd.0)).ok()?;
    let mut vf = [0u8; 4];
    r.read_exact(&mut vf).ok()?;
    match vf[0] {
        0 => {
            let mut b = [0u8; 4];
            r.read_exact(&mut b).ok()?;
            Some(u32::from_be_bytes(b) as u64)
        }
        1 => {
            let mut b = [0u8; 8];
            r.read_exact(&mut b).ok()?;
            Some(u64::from_be_bytes(b))
        }
        _ => None,
    }
}

/// Finds a box of `kind` among the boxes in `[start, end)`; returns its payload range.
fn find_box<R: Read + Seek>(r: &mut R, start: u64, end: u64, kind: &[u8; 4]) -> Option<(u64, u64)> {
    let mut pos = start;
    for _ in 0..MAX_BOXES {
        if pos.checked_add(8)? > end {
            return None;
        }
        r.seek(SeekFrom::Start(pos)).ok()?;
        let mut head = [0u8; 8];
        r.read_exact(&mut head).ok()?;
        let size32 = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as u64;
        let (size, header) = match size32 {
            0 => (end - pos, 8),
            1 => {
                let mut b = [0u8; 8];
                r.read_exact(&mut b).ok()?;
                (u64::from_be_bytes(b), 16)
            }
            s => (s, 8),
        };
        if size < header || pos.checked_add(size)? > end {
            return None;
        }
        if &head[4..8] == kind {
            return Some((pos + header, pos + size));
        }
        pos += size;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn boxed(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut v = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(payload);
        v
    }

    fn mvhd_v0(t: u32) -> Vec<u8> {
        let mut p = vec![0, 0, 0, 0];
        p.extend_from_slice(&t.to_be_bytes());
        p.extend_from_slice(&t.to_be_bytes()); // modification
        p.extend_from_slice(&1000u32.to_be_bytes());
        p.extend_from_slice(&5000u32.to_be_bytes());
        p.extend_from_slice(&[0u8; 80]);
        boxed(b"mvhd", &p)
    }

    fn mvhd_v1(t: u64) -> Vec<u8> {
        let mut p = vec![1, 0, 0, 0];
        p.extend_from_slice(&t.to_be_bytes());
        p.extend_from_slice(&t.to_be_bytes());
        p.extend_from_slice(&1000u32.to_be_bytes());
        p.extend_from_slice(&5000u64.to_be_bytes());
        p.extend_from_slice(&[0u8; 80]);
        boxed(b"mvhd", &p)
    }

    fn file(moov_children: &[u8], moov_last: bool) -> Vec<u8> {
        let mut v = boxed(b"ftyp", b"isom\0\0\x02\0isomiso2avc1mp41");
        let mdat = boxed(b"mdat", &[7u8; 300]);
        let moov = boxed(b"moov", moov_children);
        if moov_last {
            v.extend(mdat);
            v.extend(moov);
        } else {
            v.extend(moov);
            v.extend(mdat);
        }
        v
    }

    /// 2024-03-05 12:00:00 UTC in seconds since 1904.
    const T: u64 = 1_709_640_000 + MAC_EPOCH_OFFSET as u64;

    #[test]
    fn reads_version_0_and_1_wherever_moov_is() {
        for moov_last in [false, true] {
            let mut kids = boxed(b"udta", b"xxxx");
            kids.extend(mvhd_v0(T as u32));
            let bytes = file(&kids, moov_last);
            let got = find_mvhd_creation(&mut Cursor::new(&bytes), bytes.len() as u64);
            assert_eq!(got, Some(T));
            let bytes = file(&mvhd_v1(T), moov_last);
            let got = find_mvhd_creation(&mut Cursor::new(&bytes), bytes.len() as u64);
            assert_eq!(got, Some(T));
        }
        let t = to_datetime(T).unwrap();
        assert_eq!(t.to_rfc3339(), "2024-03-05T12:00:00+00:00");
    }

    #[test]
    fn zero_and_implausible_times_are_unknown() {
        assert_eq!(to_datetime(0), None);
        assert_eq!(to_datetime(86_400), None); // 1904-01-02
        assert_eq!(to_datetime(u64::MAX), None);
    }

    #[test]
    fn largesize_and_to_end_boxes() {
        // A 64-bit sized mdat, then a moov of size 0 (to the end of the file).
        let mut v = boxed(b"ftyp", b"isom");
        v.extend_from_slice(&1u32.to_be_bytes());
        v.extend_from_slice(b"mdat");
        v.extend_from_slice(&(16u64 + 10).to_be_bytes());
        v.extend_from_slice(&[0u8; 10]);
        v.extend_from_slice(&0u32.to_be_bytes());
        v.extend_from_slice(b"moov");
        v.extend(mvhd_v0(T as u32));
        assert_eq!(find_mvhd_creation(&mut Cursor::new(&v), v.len() as u64), Some(T));
    }

    #[test]
    fn garbage_gives_none() {
        let v = vec![0xffu8; 64];
        assert_eq!(find_mvhd_creation(&mut Cursor::new(&v), 64), None);
        let v = b"not a video at all, just words".to_vec();
        assert_eq!(find_mvhd_creation(&mut Cursor::new(&v), v.len() as u64), None);
        // Truncated moov.
        let mut bytes = file(&mvhd_v0(T as u32), true);
        bytes.truncate(bytes.len() - 20);
        assert_eq!(find_mvhd_creation(&mut Cursor::new(&bytes), bytes.len() as u64), None);
    }
}
