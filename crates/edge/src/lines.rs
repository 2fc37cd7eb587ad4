//! A byte stream cut into lines, for the sources that read streams (a TCP feed, a file).

use ais::MAX_LINE_BYTES;

/// A byte stream cut into lines (CR/LF removed), holding at most [`MAX_LINE_BYTES`] of an
/// unfinished line: a longer one is reported once and skipped up to its newline.
#[derive(Debug, Default)]
pub struct Lines {
    partial: Vec<u8>,
    overflow: bool,
}

/// What [`Lines`] hands on: a whole line, or the news that one was too long.
#[derive(Debug, PartialEq)]
pub enum Piece<'a> {
    Line(&'a [u8]),
    TooLong,
}

impl Lines {
    /// Cuts `bytes`, the next of the stream, calling `each` for every line it completes.
    pub fn feed(&mut self, mut bytes: &[u8], mut each: impl FnMut(Piece<'_>)) {
        while let Some(i) = bytes.iter().position(|b| *b == b'\n') {
            let (head, rest) = bytes.split_at(i);
            bytes = rest.get(1..).unwrap_or(&[]);
            if std::mem::take(&mut self.overflow) {
                continue;
            }
            if self.partial.is_empty() {
                emit(head, &mut each);
            } else if self.partial.len() + head.len() > MAX_LINE_BYTES {
                self.partial.clear();
                each(Piece::TooLong);
            } else {
                let mut line = std::mem::take(&mut self.partial);
                line.extend_from_slice(head);
                emit(&line, &mut each);
                line.clear();
                self.partial = line;
            }
        }
        if self.overflow || bytes.is_empty() {
            return;
        }
        if self.partial.len() + bytes.len() > MAX_LINE_BYTES {
            self.partial.clear();
            self.overflow = true;
            each(Piece::TooLong);
        } else {
            self.partial.extend_from_slice(bytes);
        }
    }

    /// The stream ended: its last line, if it had no newline.
    pub fn end(&mut self, mut each: impl FnMut(Piece<'_>)) {
        let line = std::mem::take(&mut self.partial);
        self.overflow = false;
        emit(&line, &mut each);
    }
}

fn emit(line: &[u8], each: &mut impl FnMut(Piece<'_>)) {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if !line.is_empty() {
        each(Piece::Line(line));
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn pieces(lines: &mut Lines, chunks: &[&[u8]]) -> Vec<Option<Vec<u8>>> {
        let mut out = Vec::new();
        let mut each = |piece: Piece<'_>| match piece {
            Piece::Line(line) => out.push(Some(line.to_vec())),
            Piece::TooLong => out.push(None),
        };
        for chunk in chunks {
            lines.feed(chunk, &mut each);
        }
        lines.end(&mut each);
        out
    }

    #[test]
    fn lines_are_cut_across_chunks_without_cr_and_empty_lines() {
        let got = pieces(&mut Lines::default(), &[b"!AB,1*0", b"0\r\n\r\n\nsecond\r", b"\nlast"]);
        let want: Vec<Option<Vec<u8>>> =
            vec![Some(b"!AB,1*00".to_vec()), Some(b"second".to_vec()), Some(b"last".to_vec())];
        assert_eq!(got, want);
    }

    #[test]
    fn an_over_long_line_is_reported_once_and_skipped_to_its_newline() {
        let long = vec![b'A'; 1_000];
        let mut chunks: Vec<&[u8]> = vec![&long; 1_100];
        chunks.push(b"tail of the long line\ngood\n");
        let got = pieces(&mut Lines::default(), &chunks);
        assert_eq!(got, vec![None, Some(b"good".to_vec())]);
        let mut exact = vec![b'B'; MAX_LINE_BYTES];
        exact.push(b'\n');
        let got = pieces(&mut Lines::default(), &[&exact[..10], &exact[10..]]);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].as_ref().map(Vec::len), Some(MAX_LINE_BYTES));
    }

    proptest! {
        #[test]
        fn any_chunking_gives_the_lines_of_the_whole(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b'\n'), Just(b'\r'), any::<u8>()],
                0..400,
            ),
            cuts in proptest::collection::vec(0usize..400, 0..8),
        ) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
            cuts.sort_unstable();
            let mut chunks = Vec::new();
            let mut from = 0;
            for cut in cuts {
                chunks.push(&bytes[from..cut]);
                from = cut;
            }
            chunks.push(&bytes[from..]);
            let whole = pieces(&mut Lines::default(), &[&bytes]);
            prop_assert_eq!(pieces(&mut Lines::default(), &chunks), whole);
        }
    }
}
