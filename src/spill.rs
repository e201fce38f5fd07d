//! The temp file a report's entry rows are sorted through (`summarize --entries`, the CSV of
//! entries): see `report::entry_rows`. It has no name (removed by the system when closed,
//! even if mdtasks is killed where the platform allows it) and is never in the notes folder.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

use crate::report::summary::Spill;

/// A [`Spill`] in a new unnamed file in the system's temp folder.
pub struct TempSpill {
    /// The file and its length.
    file: Mutex<(File, u64)>,
}

impl TempSpill {
    pub fn new() -> io::Result<TempSpill> {
        Ok(TempSpill {
            file: Mutex::new((tempfile::tempfile()?, 0)),
        })
    }
}

impl Spill for TempSpill {
    fn append(&self, bytes: &[u8]) -> io::Result<u64> {
        let mut f = self.file.lock().map_err(|_| io::Error::other("poisoned"))?;
        let at = f.1;
        f.0.seek(SeekFrom::Start(at))?;
        f.0.write_all(bytes)?;
        f.1 += bytes.len() as u64;
        Ok(at)
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let mut f = self.file.lock().map_err(|_| io::Error::other("poisoned"))?;
        if offset + buf.len() as u64 > f.1 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        f.0.seek(SeekFrom::Start(offset))?;
        f.0.read_exact(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_was_appended() {
        let s = TempSpill::new().unwrap();
        assert_eq!(s.append(b"hello ").unwrap(), 0);
        assert_eq!(s.append(b"world").unwrap(), 6);
        let mut buf = [0; 5];
        s.read_at(6, &mut buf).unwrap();
        assert_eq!(&buf, b"world");
        s.read_at(2, &mut buf).unwrap();
        assert_eq!(&buf, b"llo w");
        assert!(s.read_at(7, &mut buf).is_err(), "past the end");
    }
}
