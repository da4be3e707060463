//! The built-in presets: QEMU's block-layer rules (check_calls.py's), its coroutine rules, and
//! both.

use crate::model::UseKind;

/// The preset used when no configuration file is found.
pub const DEFAULT_PRESET: &str = "qemu-block";

/// A built-in preset.
pub(super) struct Preset {
    pub(super) name: &'static str,
    /// Its TOML texts (`qemu` is both QEMU presets).
    pub(super) texts: &'static [&'static str],
    /// The `edges` it defaults to, if not every kind.
    pub(super) edges: Option<&'static [UseKind]>,
}

/// The built-in presets. `qemu-block` is check_calls.py's check, so it keeps to the script's
/// graph (calls and references) and its output stays the script's; the others see every edge
/// kind.
pub(super) const PRESETS: [Preset; 3] = [
    Preset {
        name: "qemu-block",
        texts: &[include_str!("../presets/qemu-block.toml")],
        edges: Some(&[UseKind::Call, UseKind::Reference]),
    },
    Preset {
        name: "qemu-coroutine",
        texts: &[include_str!("../presets/qemu-coroutine.toml")],
        edges: None,
    },
    Preset {
        name: "qemu",
        texts: &[
            include_str!("../presets/qemu-block.toml"),
            include_str!("../presets/qemu-coroutine.toml"),
        ],
        edges: None,
    },
];

/// The names of the built-in presets.
pub fn preset_names() -> impl Iterator<Item = &'static str> {
    PRESETS.iter().map(|preset| preset.name)
}

/// The single built-in preset that defines the context `name`, if one does: for the hint of an
/// unknown-context error.
pub fn defining(name: &str) -> Option<&'static str> {
    PRESETS
        .iter()
        .filter(|preset| preset.texts.len() == 1)
        .find_map(|preset| {
            let file = super::file::parse(preset.texts[0], preset.name).ok()?;
            file.contexts
                .iter()
                .any(|context| context.name.get_ref() == name)
                .then_some(preset.name)
        })
}
