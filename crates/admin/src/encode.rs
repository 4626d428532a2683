//! `zconnect encode`: the `{xor}` form of a password.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use crate::cli::Encoding;

/// Prints the encoded password. Without an argument the password is the first
/// line of standard input, without its line ending. An empty password exits 2.
pub fn run(encoding: Encoding, password: Option<String>) -> ExitCode {
    let password = match password {
        Some(password) => password,
        None => match read_first_line(std::io::stdin().lock()) {
            Ok(line) => line,
            Err(error) => {
                eprintln!(
                    "zconnect encode: reading the password from standard input failed: {error}"
                );
                return ExitCode::from(1);
            }
        },
    };

    // Encoding nothing would print a bare `{xor}` that looks like a result.
    if password.is_empty() {
        eprintln!(
            "zconnect encode: no password given: pass it as an argument or on the first line of standard input"
        );
        return ExitCode::from(2);
    }

    let encoded = match encoding {
        Encoding::Xor => zconnect_config::values::encode_xor(&password),
    };
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{encoded}").is_err() {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn read_first_line(mut input: impl BufRead) -> std::io::Result<String> {
    let mut line = String::new();
    input.read_line(&mut line)?;
    let trimmed = line.strip_suffix('\n').unwrap_or(&line);
    let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::read_first_line;

    #[test]
    fn first_line_drops_line_ending_only() {
        let line = read_first_line(" pass word \r\nsecond\n".as_bytes()).expect("read");
        assert_eq!(line, " pass word ");
    }

    #[test]
    fn first_line_without_ending_is_kept() {
        let line = read_first_line("secret".as_bytes()).expect("read");
        assert_eq!(line, "secret");
    }
}
