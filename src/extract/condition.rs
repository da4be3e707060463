//! The value of a preprocessor condition, where it is known.
//!
//! `#if` expressions are evaluated the way the preprocessor does (`defined`, `!`, `~`, unary
//! `-`/`+`, `* / % + - << >> < <= > >= == != & ^ | && || ?:`, integer and character literals),
//! with a third value, *unknown*, for any name whose definition the [`Switches`] and the file's
//! own `#define`s do not decide. Unknown spreads through an expression unless the known part
//! decides it (`0 && X` is false, `1 || X` is true). Anything else the evaluator does not
//! understand (a function-like macro, `__has_include`, a stray token) is unknown too, so a
//! condition is only ever decided when the answer is certain.

use crate::lexer::ConditionKind;
use globset::GlobSet;
use rustc_hash::{FxHashMap, FxHashSet};

/// What a name means in a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Definition {
    /// Defined, with an integer value if its body is one.
    Defined(Option<i64>),
    /// Known to be undefined: `defined(NAME)` is 0, and so is `NAME`.
    Undefined,
}

/// The macros the configuration decides: given a value (`-D`, `[preprocessor] defines`) or known
/// to be undefined (`-U`, `undefined` globs). A name neither defines nor matches is unknown.
#[derive(Debug, Clone, Default)]
pub struct Switches {
    defined: FxHashMap<Box<[u8]>, Option<i64>>,
    /// Names a build leaves open (its units disagree): unknown, whatever the globs say.
    open: FxHashSet<Box<[u8]>>,
    /// Names a build undefines in every unit.
    undefined_names: FxHashSet<Box<[u8]>>,
    undefined: Option<GlobSet>,
}

impl Switches {
    /// Switches with `defines` (`NAME` or `NAME=VALUE`; `NAME` alone is 1, as with `-D`) and
    /// the names matching `undefined`. A name both defined and undefined is defined.
    pub fn new<'a>(defines: impl IntoIterator<Item = &'a str>, undefined: GlobSet) -> Switches {
        let defined = defines
            .into_iter()
            .map(|define| {
                let (name, value) = define.split_once('=').unwrap_or((define, "1"));
                (name.as_bytes().into(), integer(value.trim().as_bytes()))
            })
            .collect();
        Switches {
            defined,
            undefined: (!undefined.is_empty()).then_some(undefined),
            ..Switches::default()
        }
    }

    /// Adds what a build's units agree on beneath what is already set (the configuration and
    /// the command line win): `defined` (`NAME=VALUE`), `undefined` names, and `open` names,
    /// which stay unknown even where an `undefined` glob matches them.
    pub fn add_build<'a>(
        &mut self,
        defined: impl IntoIterator<Item = &'a str>,
        undefined: impl IntoIterator<Item = &'a str>,
        open: impl IntoIterator<Item = &'a str>,
    ) {
        for define in defined {
            let (name, value) = define.split_once('=').unwrap_or((define, "1"));
            self.defined
                .entry(name.as_bytes().into())
                .or_insert_with(|| integer(value.trim().as_bytes()));
        }
        let unset = |name: &&str| !self.defined.contains_key(name.as_bytes());
        let undefined: Vec<_> = undefined.into_iter().filter(unset).collect();
        let open: Vec<_> = open.into_iter().filter(unset).collect();
        self.undefined_names
            .extend(undefined.into_iter().map(|n| n.as_bytes().into()));
        self.open
            .extend(open.into_iter().map(|n| n.as_bytes().into()));
    }

    /// What the configuration says about `name`, if anything.
    pub fn lookup(&self, name: &[u8]) -> Option<Definition> {
        if let Some(&value) = self.defined.get(name) {
            return Some(Definition::Defined(value));
        }
        // Empty unless a build directory is read: skip the hashing.
        if !self.open.is_empty() && self.open.contains(name) {
            return None;
        }
        if !self.undefined_names.is_empty() && self.undefined_names.contains(name) {
            return Some(Definition::Undefined);
        }
        let undefined = self
            .undefined
            .as_ref()
            .is_some_and(|globs| std::str::from_utf8(name).is_ok_and(|name| globs.is_match(name)));
        undefined.then_some(Definition::Undefined)
    }
}

/// The known truth of a condition: `Some(true)`, `Some(false)`, or `None` if unknown.
pub fn evaluate(
    kind: ConditionKind,
    text: &[u8],
    lookup: &dyn Fn(&[u8]) -> Option<Definition>,
) -> Option<bool> {
    let tokens = tokenize(text)?;
    match kind {
        ConditionKind::Defined | ConditionKind::NotDefined => {
            let [Item::Name(name)] = tokens.as_slice() else {
                return None;
            };
            let defined = match lookup(name)? {
                Definition::Defined(_) => true,
                Definition::Undefined => false,
            };
            Some(defined == (kind == ConditionKind::Defined))
        }
        ConditionKind::Expression => {
            // The common `#if 0`, `#if 1` and `#if NAME` need no parser.
            match tokens.as_slice() {
                [Item::Number(value)] => return value.map(|v| v != 0),
                [Item::Name(name)] if *name != b"defined" => {
                    return match lookup(name)? {
                        Definition::Defined(value) => value.map(|v| v != 0),
                        Definition::Undefined => Some(false),
                    };
                }
                _ => {}
            }
            let mut parser = Parser {
                items: &tokens,
                at: 0,
                lookup,
                depth: 0,
            };
            let value = parser.conditional();
            if parser.at != tokens.len() {
                return None;
            }
            value.map(|v| v != 0)
        }
    }
}

/// The value of an integer literal (decimal, hex, octal or binary, with any `u`/`l` suffix).
pub fn integer(text: &[u8]) -> Option<i64> {
    let digits = text.strip_suffix(b"ULL").unwrap_or(text);
    let end = digits
        .iter()
        .rposition(|b| !matches!(b, b'u' | b'U' | b'l' | b'L'))
        .map_or(0, |last| last + 1);
    let digits = std::str::from_utf8(&digits[..end]).ok()?;
    let (radix, digits) = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, hex)
    } else if let Some(binary) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        (2, binary)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    u64::from_str_radix(digits, radix).ok().map(|v| v as i64)
}

/// One token of a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item<'a> {
    Name(&'a [u8]),
    /// A literal's value, unknown for one that is not understood.
    Number(Option<i64>),
    /// An operator or parenthesis, as its bytes.
    Punct(&'static str),
    /// A byte the evaluator does not read (a string, `.`, `<` of a header name is `Punct`):
    /// fine inside a skipped macro argument, an error anywhere else.
    Opaque,
}

/// The operators, longest first so that `<<` is not read as `<`.
const PUNCTUATION: [&str; 24] = [
    "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "(", ")", "!", "~", "-", "+", "*", "/", "%",
    "<", ">", "&", "^", "|", "?", ":",
];

/// The tokens of a condition, with comments and line continuations skipped; `None` for a
/// character literal that does not end.
fn tokenize(text: &[u8]) -> Option<Vec<Item<'_>>> {
    let mut items = Vec::with_capacity(16);
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let byte = rest[0];
        if byte.is_ascii_whitespace() || byte == b'\\' {
            i += 1;
        } else if rest.starts_with(b"/*") {
            i += rest[2..]
                .windows(2)
                .position(|w| w == b"*/")
                .map_or(rest.len(), |end| end + 4);
        } else if rest.starts_with(b"//") {
            break;
        } else if byte.is_ascii_alphabetic() || byte == b'_' {
            let len = rest
                .iter()
                .position(|b| !b.is_ascii_alphanumeric() && *b != b'_')
                .unwrap_or(rest.len());
            items.push(Item::Name(&rest[..len]));
            i += len;
        } else if byte.is_ascii_digit() {
            let len = rest
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .unwrap_or(rest.len());
            items.push(Item::Number(integer(&rest[..len])));
            i += len;
        } else if byte == b'\'' {
            let (value, len) = character(rest)?;
            items.push(Item::Number(value));
            i += len;
        } else if let Some(punct) = PUNCTUATION.iter().find(|p| rest.starts_with(p.as_bytes())) {
            items.push(Item::Punct(punct));
            i += punct.len();
        } else {
            items.push(Item::Opaque);
            i += 1;
        }
    }
    Some(items)
}

/// A character literal at the start of `rest`: its value if it is a plain character, and its
/// length; `None` if it does not end on its line.
fn character(rest: &[u8]) -> Option<(Option<i64>, usize)> {
    let mut i = 1;
    while i < rest.len() {
        match rest[i] {
            b'\\' => i += 2,
            b'\'' => {
                let value = (i == 2).then(|| i64::from(rest[1]));
                return Some((value, i + 1));
            }
            b'\n' => return None,
            _ => i += 1,
        }
    }
    None
}

/// How deep parentheses, unary operators and `?:` may nest before a condition counts as
/// unknown, so that crafted input cannot overflow the stack.
const MAX_DEPTH: u32 = 200;

/// A recursive-descent evaluator over a condition's tokens. Every method returns the value of
/// what it read, `None` if unknown; on a syntax error it stops, and [`evaluate`] sees that the
/// tokens were not all read.
struct Parser<'a, 'l> {
    items: &'a [Item<'a>],
    at: usize,
    lookup: &'l dyn Fn(&[u8]) -> Option<Definition>,
    depth: u32,
}

/// How tightly a binary operator binds, loosest first (`&&`, `||` and `?:` are handled apart).
fn binding(op: &str) -> Option<u8> {
    Some(match op {
        "|" => 0,
        "^" => 1,
        "&" => 2,
        "==" | "!=" => 3,
        "<" | ">" | "<=" | ">=" => 4,
        "<<" | ">>" => 5,
        "+" | "-" => 6,
        "*" | "/" | "%" => 7,
        _ => return None,
    })
}

impl<'a> Parser<'a, '_> {
    fn peek(&self) -> Option<Item<'a>> {
        self.items.get(self.at).copied()
    }

    fn eat(&mut self, punct: &str) -> bool {
        let found = matches!(self.peek(), Some(Item::Punct(p)) if p == punct);
        self.at += usize::from(found);
        found
    }

    /// `a ? b : c`
    fn conditional(&mut self) -> Option<i64> {
        let condition = self.or();
        if !self.eat("?") {
            return condition;
        }
        let (then, otherwise) = self.nested(|parser| {
            let then = parser.conditional();
            if !parser.eat(":") {
                parser.at = parser.items.len() + 1;
                return None;
            }
            Some((then, parser.conditional()))
        })?;
        match condition? {
            0 => otherwise,
            _ => then,
        }
    }

    /// What `read` gives, one level deeper; `None`, and the condition unknown, past
    /// [`MAX_DEPTH`].
    fn nested<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        self.depth += 1;
        let value = if self.depth > MAX_DEPTH {
            self.at = self.items.len() + 1;
            None
        } else {
            read(self)
        };
        self.depth -= 1;
        value
    }

    /// `a || b`: true if either side is known true.
    fn or(&mut self) -> Option<i64> {
        let mut value = self.and();
        while self.eat("||") {
            let right = self.and();
            value = match (value, right) {
                (Some(a), _) if a != 0 => Some(1),
                (_, Some(b)) if b != 0 => Some(1),
                (Some(_), Some(_)) => Some(0),
                _ => None,
            };
        }
        value
    }

    /// `a && b`: false if either side is known false.
    fn and(&mut self) -> Option<i64> {
        let mut value = self.binary(0);
        while self.eat("&&") {
            let right = self.binary(0);
            value = match (value, right) {
                (Some(0), _) | (_, Some(0)) => Some(0),
                (Some(_), Some(_)) => Some(1),
                _ => None,
            };
        }
        value
    }

    /// A chain of binary operators binding at least as tightly as `tightness` (precedence
    /// climbing: each operator's right side takes only tighter ones, so all associate left).
    fn binary(&mut self, tightness: u8) -> Option<i64> {
        let mut value = self.unary();
        while let Some(Item::Punct(op)) = self.peek() {
            let Some(level) = binding(op).filter(|&level| level >= tightness) else {
                break;
            };
            self.at += 1;
            let right = self.binary(level + 1);
            value = match (value, right) {
                (Some(a), Some(b)) => apply(op, a, b),
                _ => None,
            };
        }
        value
    }

    /// `!a`, `~a`, `-a`, `+a`, or a primary.
    fn unary(&mut self) -> Option<i64> {
        self.nested(|parser| {
            if parser.eat("!") {
                parser.unary().map(|v| i64::from(v == 0))
            } else if parser.eat("~") {
                parser.unary().map(|v| !v)
            } else if parser.eat("-") {
                parser.unary().map(i64::wrapping_neg)
            } else if parser.eat("+") {
                parser.unary()
            } else {
                parser.primary()
            }
        })
    }

    /// A literal, `defined NAME`, `defined(NAME)`, a name, a macro call or `(expr)`.
    fn primary(&mut self) -> Option<i64> {
        let item = self.peek();
        self.at += 1;
        match item {
            Some(Item::Number(value)) => value,
            Some(Item::Name(b"defined")) => {
                let parenthesized = self.eat("(");
                let Some(Item::Name(name)) = self.peek() else {
                    self.at = self.items.len() + 1;
                    return None;
                };
                self.at += 1;
                if parenthesized && !self.eat(")") {
                    self.at = self.items.len() + 1;
                    return None;
                }
                match (self.lookup)(name)? {
                    Definition::Defined(_) => Some(1),
                    Definition::Undefined => Some(0),
                }
            }
            Some(Item::Name(name)) => {
                if self.eat("(") {
                    // A function-like macro (or `__has_include(...)`): skip its arguments.
                    self.skip_arguments();
                    return None;
                }
                match (self.lookup)(name)? {
                    Definition::Defined(value) => value,
                    Definition::Undefined => Some(0),
                }
            }
            Some(Item::Punct("(")) => {
                let value = self.conditional();
                if !self.eat(")") {
                    self.at = self.items.len() + 1;
                    return None;
                }
                value
            }
            _ => {
                self.at = self.items.len() + 1;
                None
            }
        }
    }

    /// Skips up to and including the `)` that closes a macro call's arguments.
    fn skip_arguments(&mut self) {
        let mut open = 1usize;
        while let Some(item) = self.peek() {
            self.at += 1;
            match item {
                Item::Punct("(") => open += 1,
                Item::Punct(")") => {
                    open -= 1;
                    if open == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
        self.at = self.items.len() + 1;
    }
}

/// `a op b`, `None` where C leaves it undefined (division by zero, a shift out of range).
fn apply(op: &str, a: i64, b: i64) -> Option<i64> {
    Some(match op {
        "|" => a | b,
        "^" => a ^ b,
        "&" => a & b,
        "==" => i64::from(a == b),
        "!=" => i64::from(a != b),
        "<" => i64::from(a < b),
        ">" => i64::from(a > b),
        "<=" => i64::from(a <= b),
        ">=" => i64::from(a >= b),
        "<<" => a.checked_shl(u32::try_from(b).ok()?)?,
        ">>" => a.checked_shr(u32::try_from(b).ok()?)?,
        "+" => a.wrapping_add(b),
        "-" => a.wrapping_sub(b),
        "*" => a.wrapping_mul(b),
        "/" => a.checked_div(b)?,
        "%" => a.checked_rem(b)?,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(name: &[u8]) -> Option<Definition> {
        match name {
            b"ON" => Some(Definition::Defined(Some(1))),
            b"ZERO" => Some(Definition::Defined(Some(0))),
            b"EMPTY" => Some(Definition::Defined(None)),
            b"OFF" | b"DEBUG_ALLOC" => Some(Definition::Undefined),
            _ => None,
        }
    }

    fn eval(text: &str) -> Option<bool> {
        evaluate(ConditionKind::Expression, text.as_bytes(), &lookup)
    }

    #[test]
    fn literals_and_arithmetic_are_decided() {
        assert_eq!(eval("0"), Some(false));
        assert_eq!(eval(" (0) /* off */"), Some(false));
        assert_eq!(eval("1"), Some(true));
        assert_eq!(eval("2 * 3 - 6"), Some(false));
        assert_eq!(eval("1 << 4 == 16"), Some(true));
        assert_eq!(eval("0x10 > 010"), Some(true));
        assert_eq!(eval("10UL % 4 == 2"), Some(true));
        assert_eq!(eval("-1 < 0 ? 1 : 0"), Some(true));
        assert_eq!(eval("'a' == 97"), Some(true));
        assert_eq!(eval("~0 == -1"), Some(true));
    }

    #[test]
    fn names_follow_the_switches() {
        assert_eq!(eval("defined(ON)"), Some(true));
        assert_eq!(eval("defined OFF"), Some(false));
        assert_eq!(eval("!defined(DEBUG_ALLOC)"), Some(true));
        assert_eq!(eval("ON && !ZERO"), Some(true));
        assert_eq!(eval("OFF"), Some(false));
        assert_eq!(eval("defined(EMPTY)"), Some(true));
        assert_eq!(eval("EMPTY"), None);
        assert_eq!(
            evaluate(ConditionKind::Defined, b" OFF // x", &lookup),
            Some(false)
        );
        assert_eq!(
            evaluate(ConditionKind::NotDefined, b"OFF", &lookup),
            Some(true)
        );
        assert_eq!(evaluate(ConditionKind::Defined, b"UNKNOWN", &lookup), None);
    }

    #[test]
    fn unknown_spreads_unless_the_known_side_decides() {
        assert_eq!(eval("UNKNOWN"), None);
        assert_eq!(eval("defined(UNKNOWN) || ON"), Some(true));
        assert_eq!(eval("UNKNOWN && OFF"), Some(false));
        assert_eq!(eval("UNKNOWN || OFF"), None);
        assert_eq!(eval("defined __COVERITY__ || defined OFF"), None);
        assert_eq!(eval("__has_include(<x.h>) && 0"), Some(false));
        assert_eq!(eval("QEMU_VERSION(1, (2)) > 3"), None);
    }

    #[test]
    fn what_is_not_understood_is_unknown() {
        assert_eq!(eval(""), None);
        assert_eq!(eval("1 +"), None);
        assert_eq!(eval("(1"), None);
        assert_eq!(eval("1 / 0"), None);
        assert_eq!(eval("1 << 99"), None);
        assert_eq!(eval("\"s\""), None);
        assert_eq!(eval("1 ? 2"), None);
        assert_eq!(eval("defined"), None);
        assert_eq!(eval(&"(".repeat(100_000)), None);
        assert_eq!(eval(&"!".repeat(100_000)), None);
        let ternaries = format!("{}1{}", "1 ? ".repeat(100_000), " : 0".repeat(100_000));
        assert_eq!(eval(&ternaries), None);
        let shallow = format!("{}1{}", "1 ? ".repeat(50), " : 0".repeat(50));
        assert_eq!(eval(&shallow), Some(true));
    }

    #[test]
    fn switches_decide_names_and_globs() {
        let mut globs = globset::GlobSetBuilder::new();
        globs.add(globset::Glob::new("DEBUG_*").unwrap());
        globs.add(globset::Glob::new("U").unwrap());
        let switches = Switches::new(["A", "B=7", "C=x", "U"], globs.build().unwrap());
        assert_eq!(switches.lookup(b"A"), Some(Definition::Defined(Some(1))));
        assert_eq!(switches.lookup(b"B"), Some(Definition::Defined(Some(7))));
        assert_eq!(switches.lookup(b"C"), Some(Definition::Defined(None)));
        assert_eq!(switches.lookup(b"U"), Some(Definition::Defined(Some(1))));
        assert_eq!(switches.lookup(b"DEBUG_EXT"), Some(Definition::Undefined));
        assert_eq!(switches.lookup(b"OTHER"), None);
        let mut built = switches.clone();
        built.add_build(["A=5", "BUILT=3"], ["GONE", "U"], ["DEBUG_OPEN", "B"]);
        assert_eq!(
            built.lookup(b"A"),
            Some(Definition::Defined(Some(1))),
            "config wins"
        );
        assert_eq!(built.lookup(b"BUILT"), Some(Definition::Defined(Some(3))));
        assert_eq!(built.lookup(b"GONE"), Some(Definition::Undefined));
        assert_eq!(built.lookup(b"U"), Some(Definition::Defined(Some(1))));
        assert_eq!(
            built.lookup(b"DEBUG_OPEN"),
            None,
            "the build leaves it open"
        );
        assert_eq!(built.lookup(b"B"), Some(Definition::Defined(Some(7))));
        assert_eq!(Switches::default().lookup(b"A"), None);
    }
}
