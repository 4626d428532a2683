//! Byte offsets to 1-based line and character column.

use std::cell::Cell;
use std::path::Path;

use crate::diagnostics::Location;

/// The start offset of every line of one text, for turning byte offsets into
/// positions without rescanning the whole text each time.
///
/// Columns are counted in characters. On an ASCII line a column is a byte
/// difference; on other lines the index remembers the last position found
/// and counts forward from it, so that the reader, which asks for positions
/// in increasing order, scans each line once however many elements it holds.
#[derive(Debug)]
pub(crate) struct LineIndex<'t> {
    text: &'t str,
    line_starts: Vec<usize>,
    /// Whether each line is ASCII only.
    ascii_lines: Vec<bool>,
    /// The last offset given to [`LineIndex::line_column`] on a non-ASCII
    /// line, with its line and its 0-based column.
    cursor: Cell<Option<Cursor>>,
}

#[derive(Debug, Clone, Copy)]
struct Cursor {
    line: usize,
    offset: usize,
    column: usize,
}

impl<'t> LineIndex<'t> {
    /// Indexes `text`. A line ends after `\n`; a lone `\r` also ends a line,
    /// as XML end-of-line handling treats it like `\n`.
    pub(crate) fn new(text: &'t str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut ascii_lines = Vec::new();
        let mut ascii = true;
        for (offset, &byte) in bytes.iter().enumerate() {
            ascii &= byte.is_ascii();
            let ends_line =
                byte == b'\n' || (byte == b'\r' && bytes.get(offset + 1) != Some(&b'\n'));
            if ends_line {
                line_starts.push(offset + 1);
                ascii_lines.push(ascii);
                ascii = true;
            }
        }
        ascii_lines.push(ascii);
        LineIndex {
            text,
            line_starts,
            ascii_lines,
            cursor: Cell::new(None),
        }
    }

    /// Line and column (both 1-based, the column in characters) of a byte
    /// offset. An offset inside a multi-byte character counts as that character.
    pub(crate) fn line_column(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(exact) => exact,
            Err(insert_at) => insert_at.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = if self.ascii_lines.get(line).copied().unwrap_or(false) {
            offset - start
        } else {
            let bytes = self.text.as_bytes();
            let column = match self.cursor.get() {
                Some(cursor) if cursor.line == line && cursor.offset <= offset => {
                    cursor.column + count_chars_lossy(&bytes[cursor.offset..offset])
                }
                Some(cursor) if cursor.line == line => {
                    cursor.column - count_chars_lossy(&bytes[offset..cursor.offset])
                }
                _ => count_chars_lossy(&bytes[start..offset]),
            };
            self.remember(line, offset, column);
            column
        };
        (to_u32(line + 1), to_u32(column + 1))
    }

    /// Byte offset of a 1-based line and character column; `None` when the
    /// text has no such position.
    pub(crate) fn offset(&self, line: u32, column: u32) -> Option<usize> {
        let line_index = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *self.line_starts.get(line_index)?;
        let skip = usize::try_from(column).ok()?.checked_sub(1)?;
        if self.ascii_lines.get(line_index).copied().unwrap_or(false) {
            let offset = start.checked_add(skip)?;
            if self.text.is_char_boundary(offset) {
                return Some(offset);
            }
        }
        let found = match self.cursor.get() {
            Some(cursor) if cursor.line == line_index && cursor.column <= skip => {
                forward(self.text, cursor.offset, skip - cursor.column)
            }
            Some(cursor) if cursor.line == line_index => {
                let before = self.text.get(start..cursor.offset)?;
                let back = cursor.column - skip - 1;
                before
                    .char_indices()
                    .rev()
                    .nth(back)
                    .map(|(offset, _)| start + offset)
            }
            _ => forward(self.text, start, skip),
        }?;
        self.remember(line_index, found, skip);
        Some(found)
    }

    fn remember(&self, line: usize, offset: usize, column: usize) {
        self.cursor.set(Some(Cursor {
            line,
            offset,
            column,
        }));
    }

    pub(crate) fn location(&self, file: &Path, offset: usize) -> Location {
        let (line, column) = self.line_column(offset);
        Location {
            file: file.to_path_buf(),
            line,
            column,
        }
    }
}

/// The byte offset `count` characters after `from`, or the end of the text
/// when exactly that many remain.
fn forward(text: &str, from: usize, count: usize) -> Option<usize> {
    let rest = text.get(from..)?;
    let mut chars = rest.char_indices();
    match chars.nth(count) {
        Some((offset, _)) => Some(from + offset),
        None if rest.chars().count() == count => Some(text.len()),
        None => None,
    }
}

/// Counts the characters of a byte range that may start or end inside a
/// character: the bytes that begin a character.
fn count_chars_lossy(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&byte| (byte & 0xC0) != 0x80).count()
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Advances a position over `text`, for finding a spot inside a value whose
/// start position is known.
pub(crate) fn advance(mut location: Location, text: &str) -> Location {
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        let line_break = ch == '\n' || (ch == '\r' && chars.peek() != Some(&'\n'));
        if line_break {
            location.line = location.line.saturating_add(1);
            location.column = 1;
        } else {
            location.column = location.column.saturating_add(1);
        }
    }
    location
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_not_bytes() {
        let index = LineIndex::new("a\né<b\r\nc");
        assert_eq!(index.line_column(0), (1, 1));
        assert_eq!(index.line_column(2), (2, 1));
        assert_eq!(index.line_column(4), (2, 2));
        assert_eq!(index.line_column(8), (3, 1));
    }

    #[test]
    fn line_column_counts_forward_and_backward_on_a_non_ascii_line() {
        let index = LineIndex::new("é1é2é3\nab");
        assert_eq!(index.line_column(4), (1, 4));
        assert_eq!(index.line_column(8), (1, 6));
        assert_eq!(index.line_column(2), (1, 2));
        assert_eq!(index.line_column(10), (2, 1));
        assert_eq!(index.line_column(11), (2, 2));
    }

    #[test]
    fn offset_is_the_inverse_of_line_column() {
        let text = "ab\né1é2\r\nxyz";
        let index = LineIndex::new(text);
        let offsets = [0, 1, 3, 5, 6, 8, 10, 12];
        for offset in offsets.iter().chain(offsets.iter().rev()) {
            let (line, column) = index.line_column(*offset);
            assert_eq!(index.offset(line, column), Some(*offset), "offset {offset}");
        }
        assert_eq!(index.offset(2, 1), Some(3));
        assert_eq!(index.offset(2, 4), Some(8));
    }

    #[test]
    fn lone_carriage_return_ends_a_line() {
        let index = LineIndex::new("a\rb");
        assert_eq!(index.line_column(2), (2, 1));
    }

    #[test]
    fn advance_moves_over_lines() {
        let start = Location {
            file: "f".into(),
            line: 3,
            column: 5,
        };
        let end = advance(start, "ab\ncd");
        assert_eq!((end.line, end.column), (4, 3));
    }
}
