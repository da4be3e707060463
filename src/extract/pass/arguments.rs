//! The calls whose argument lists are open in a function body, so that a function named as an
//! argument can be told to be handed to a `[[deferred]]` call (`qemu_thread_create(&t, "x",
//! worker, opaque, 0)`): such a reference runs elsewhere, later, and is recorded as deferred.
//!
//! Frames are kept only while a deferring call is open (and for the calls nested in it, so that
//! `schedule(wrap(f))` does not take `f` as handed to `schedule`), so bodies without one pay
//! nothing but a check of an empty stack.

/// How many calls nested in one another are followed; deeper ones count as plain calls.
const MAX_FRAMES: usize = 64;

/// One open argument list.
#[derive(Debug, Clone, Copy)]
struct Frame {
    /// Parenthesis depth before its `(`: its arguments are one deeper.
    paren: u32,
    /// Brace depth at the call: a comma in a compound literal among the arguments is not one
    /// between them.
    depth: u32,
    /// Position of the argument being read, from 0.
    argument: u32,
    /// The `[[deferred]]` entry of the called name, plus 1; 0 for a plain call.
    entry: u16,
}

/// The open argument lists, innermost last.
#[derive(Debug, Default)]
pub(super) struct Arguments {
    frames: Vec<Frame>,
}

impl Arguments {
    /// Forgets every open call (at the start of a body).
    pub(super) fn clear(&mut self) {
        self.frames.clear();
    }

    /// A call's name was read, before its `(` at parenthesis depth `paren`: `entry` is its
    /// `[[deferred]]` entry plus 1, or 0. A plain call is followed only inside a deferring one.
    #[inline(always)]
    pub(super) fn call(&mut self, paren: u32, depth: u32, entry: u16) {
        if (entry != 0 || !self.frames.is_empty()) && self.frames.len() < MAX_FRAMES {
            self.frames.push(Frame {
                paren,
                depth,
                argument: 0,
                entry,
            });
        }
    }

    /// True if some call is open.
    #[inline(always)]
    pub(super) fn is_open(&self) -> bool {
        !self.frames.is_empty()
    }

    /// A `,` at parenthesis depth `paren` and brace depth `depth`.
    pub(super) fn comma(&mut self, paren: u32, depth: u32) {
        if let Some(frame) = self.frames.last_mut()
            && frame.paren + 1 == paren
            && frame.depth == depth
        {
            frame.argument += 1;
        }
    }

    /// A `)` that left parenthesis depth `paren`: the calls it closes end.
    pub(super) fn close(&mut self, paren: u32) {
        while self.frames.last().is_some_and(|frame| frame.paren >= paren) {
            self.frames.pop();
        }
    }

    /// The `[[deferred]]` entry (plus 1) a reference read now is handed to, or 0: the innermost
    /// open call, if it defers the argument being read (`masks[entry - 1]` has its position's
    /// bit).
    pub(super) fn deferred(&self, masks: &[u64]) -> u16 {
        match self.frames.last() {
            Some(frame) if frame.entry != 0 => {
                let mask = masks[frame.entry as usize - 1];
                let bit = frame.argument.min(63);
                if mask & 1 << bit != 0 { frame.entry } else { 0 }
            }
            _ => 0,
        }
    }
}
