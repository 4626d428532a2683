//! The expansion walk: nested references, cycle and depth checks, integer
//! arithmetic, and the bounds that keep a hostile value cheap.
//!
//! Two bounds keep `a="${b}${b}"`, `b="${c}${c}"`, ... from growing
//! exponentially. First, the expanded text may not exceed the size limit, and
//! the check runs before each piece is appended.
//! Second, each variable is expanded once per nesting depth within one value.
//! A second reference reuses the text, so the work grows with the number of
//! variables rather than with the paths through them. A problem inside a
//! variable is therefore reported once.
//!
//! NOTE: the bound is per value. Many values that each reference one large
//! variable can together still hold many times the limit.

use std::collections::{BTreeSet, HashMap};

use super::{ExpansionProblem, Variables, MAX_EXPANSION_DEPTH};

/// The state of one expansion of one value.
pub(super) struct Expander<'a> {
    variables: &'a Variables,
    placeholders: &'a [&'a str],
    /// The expanded text of each variable already expanded, keyed by name
    /// and by the number of variables open around it.
    memo: HashMap<(String, usize), String>,
    /// The names being expanded, outermost first.
    stack: Vec<String>,
    pub(super) problems: Vec<ExpansionProblem>,
    /// Problems inside variable values already reported for this value.
    reported: BTreeSet<String>,
    /// Set when the text outgrew the limit; every level then returns at once
    /// and the top-level reference stays as written.
    overflow: bool,
}

impl<'a> Expander<'a> {
    pub(super) fn new(variables: &'a Variables, placeholders: &'a [&'a str]) -> Self {
        Expander {
            variables,
            placeholders,
            memo: HashMap::new(),
            stack: Vec::new(),
            problems: Vec::new(),
            reported: BTreeSet::new(),
            overflow: false,
        }
    }

    /// Expands every reference of a top-level value into `out`.
    pub(super) fn expand_value(&mut self, text: &str, out: &mut String) {
        let mut rest = text;
        let mut index = 0;
        while let Some((before, name, literal, after)) = next_reference(rest) {
            out.push_str(before);
            rest = after;
            let Some(name) = name else {
                out.push_str(literal);
                continue;
            };
            if self.placeholders.contains(&name) {
                out.push_str(literal);
                continue;
            }
            self.top_reference(name, literal, out, index);
            index += 1;
        }
        out.push_str(rest);
    }

    /// Expands one reference written in the top-level value. When its text
    /// outgrows the limit, the reference stays as written.
    pub(super) fn top_reference(
        &mut self,
        name: &str,
        literal: &str,
        out: &mut String,
        reference: usize,
    ) {
        let mark = out.len();
        self.reference(name, literal, out, reference);
        if self.overflow {
            self.overflow = false;
            out.truncate(mark);
            out.push_str(literal);
            self.problems.push(ExpansionProblem::TooLarge {
                name: name.to_string(),
                max: self.variables.max_value_len,
                reference,
            });
        }
    }

    /// Expands the value of a variable, or a literal inside one, into `out`.
    fn expand_nested(&mut self, text: &str, out: &mut String, reference: usize) {
        let mut rest = text;
        while let Some((before, name, literal, after)) = next_reference(rest) {
            if !self.append(out, before) {
                return;
            }
            rest = after;
            match name {
                Some(name) if !self.placeholders.contains(&name) => {
                    self.reference(name, literal, out, reference);
                    if self.overflow {
                        return;
                    }
                }
                _ => {
                    if !self.append(out, literal) {
                        return;
                    }
                }
            }
        }
        self.append(out, rest);
    }

    /// Appends `piece` unless that would outgrow the limit; then it sets
    /// the overflow flag instead and appends nothing.
    fn append(&mut self, out: &mut String, piece: &str) -> bool {
        if out.len().saturating_add(piece.len()) > self.variables.max_value_len {
            self.overflow = true;
            return false;
        }
        out.push_str(piece);
        true
    }

    fn reference(&mut self, name: &str, literal: &str, out: &mut String, reference: usize) {
        if let Some(position) = self.stack.iter().position(|open| open == name) {
            let mut chain = self.stack[position..].to_vec();
            chain.push(name.to_string());
            self.problem(ExpansionProblem::Cycle { chain, reference });
            self.append(out, literal);
            return;
        }
        if self.stack.len() >= MAX_EXPANSION_DEPTH {
            let mut chain = self.stack.clone();
            chain.push(name.to_string());
            self.problem(ExpansionProblem::TooDeep { chain, reference });
            self.append(out, literal);
            return;
        }

        let variables = self.variables;
        if let Some((value, _)) = variables.lookup(name) {
            let key = (name.to_string(), self.stack.len());
            if let Some(done) = self.memo.get(&key) {
                if out.len().saturating_add(done.len()) > variables.max_value_len {
                    self.overflow = true;
                } else {
                    out.push_str(done);
                }
                return;
            }
            let start = out.len();
            self.stack.push(name.to_string());
            self.expand_nested(value, out, reference);
            self.stack.pop();
            if !self.overflow {
                self.memo.insert(key, out[start..].to_string());
            }
            return;
        }

        match self.evaluate_arithmetic(name, reference) {
            _ if self.overflow => {}
            Some(Ok(result)) => {
                self.append(out, &result.to_string());
            }
            Some(Err(reason)) => {
                let expression = name.to_string();
                self.problem(ExpansionProblem::Arithmetic {
                    expression,
                    reason,
                    reference,
                });
                self.append(out, literal);
            }
            None => {
                let via = self.stack.clone();
                self.problem(ExpansionProblem::Undefined {
                    name: name.to_string(),
                    via,
                    reference,
                });
                self.append(out, literal);
            }
        }
    }

    /// Records a problem. One found inside a variable's value is recorded
    /// once per value, however many paths lead to it; one written directly
    /// in the value is recorded at each place it is written.
    fn problem(&mut self, problem: ExpansionProblem) {
        if !self.stack.is_empty() && !self.reported.insert(problem_key(&problem)) {
            return;
        }
        self.problems.push(problem);
    }

    /// Evaluates `a+b*c` strictly left to right. `None` when `expression` is
    /// not arithmetic or names an operand no source defines (reported as an
    /// undefined reference); `Some(Err)` when it is arithmetic but cannot be
    /// computed.
    fn evaluate_arithmetic(
        &mut self,
        expression: &str,
        reference: usize,
    ) -> Option<Result<i64, String>> {
        let (operands, operators) = split_arithmetic(expression)?;

        let mut values = Vec::with_capacity(operands.len());
        for operand in operands {
            let digits = operand.strip_prefix(['-', '+']).unwrap_or(operand);
            if !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit()) {
                match operand.parse::<i64>() {
                    Ok(number) => values.push(number),
                    Err(_) => return Some(Err(format!("{operand} is too large"))),
                }
                continue;
            }
            let variables = self.variables;
            let (raw, _) = variables.lookup(operand)?;
            let mut expanded = String::new();
            self.stack.push(operand.to_string());
            self.expand_nested(raw, &mut expanded, reference);
            self.stack.pop();
            if self.overflow {
                return None;
            }
            match expanded.trim().parse::<i64>() {
                Ok(number) => values.push(number),
                Err(_) => {
                    let reason = format!("variable {operand} is \"{expanded}\", not an integer");
                    return Some(Err(reason));
                }
            }
        }

        let mut result = *values.first()?;
        for (operator, value) in operators.iter().zip(&values[1..]) {
            let next = match operator {
                '+' => result.checked_add(*value),
                '-' => result.checked_sub(*value),
                '*' => result.checked_mul(*value),
                _ if *value == 0 => return Some(Err("division by zero".to_string())),
                _ => result.checked_div(*value),
            };
            match next {
                Some(number) => result = number,
                None => return Some(Err("the result overflows a 64-bit integer".to_string())),
            }
        }
        Some(Ok(result))
    }
}

/// The text before the next `${`, the name it references (`None` when the
/// `${` starts no reference, such as `${}` or `${a`), the text to keep when the
/// reference cannot be expanded, and the text after it.
fn next_reference(text: &str) -> Option<(&str, Option<&str>, &str, &str)> {
    let start = text.find("${")?;
    let before = &text[..start];
    let after = &text[start + 2..];
    let end = after.find(['}', '$', '{']);
    match end {
        Some(end) if after.as_bytes()[end] == b'}' && end > 0 => {
            let name = &after[..end];
            let literal = &text[start..start + 3 + name.len()];
            Some((before, Some(name), literal, &after[end + 1..]))
        }
        _ => Some((before, None, "${", after)),
    }
}

/// What makes two problems the same for reporting once: the names involved,
/// not the path that led there.
fn problem_key(problem: &ExpansionProblem) -> String {
    match problem {
        ExpansionProblem::Undefined { name, via, .. } => {
            format!("undefined {name} in {:?}", via.last())
        }
        ExpansionProblem::Cycle { chain, .. } => {
            let mut names = chain.clone();
            names.sort();
            format!("cycle {names:?}")
        }
        ExpansionProblem::TooDeep { chain, .. } => {
            let tail = &chain[chain.len().saturating_sub(2)..];
            format!("deep {tail:?}")
        }
        ExpansionProblem::Arithmetic { expression, .. } => format!("arithmetic {expression}"),
        ExpansionProblem::TooLarge { name, .. } => format!("large {name}"),
    }
}

/// Splits `a + b*c` into trimmed operands and operators; `None` unless there
/// is at least one operator and every operand is non-empty. A `-` or `+`
/// where an operand starts is that operand's sign, as in `-5*2` or `7/-1`.
fn split_arithmetic(expression: &str) -> Option<(Vec<&str>, Vec<char>)> {
    let mut operands = Vec::new();
    let mut operators = Vec::new();
    let mut start = 0;
    for (index, ch) in expression.char_indices() {
        let is_sign = matches!(ch, '-' | '+') && expression[start..index].trim().is_empty();
        if matches!(ch, '+' | '-' | '*' | '/') && !is_sign {
            operands.push(expression[start..index].trim());
            operators.push(ch);
            start = index + 1;
        }
    }
    operands.push(expression[start..].trim());
    if operators.is_empty() || operands.iter().any(|operand| operand.is_empty()) {
        return None;
    }
    Some((operands, operators))
}
