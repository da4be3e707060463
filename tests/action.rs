//! The GitHub Action's run step, executed with bash as the runner executes it, with a stand-in
//! `callcheck` that records its arguments: inputs must reach callcheck as words, never as shell
//! code.

mod common;

use common::scratch;
use std::fs;
use std::path::Path;
use std::process::Command;

/// The `env:` entries and the `run: |` script of the step named `name` in action.yml.
fn step(name: &str) -> (Vec<(String, String)>, String) {
    let text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim() == format!("- name: {name}"))
        .expect("the step");
    let indent = |l: &str| l.len() - l.trim_start().len();
    let step_indent = indent(lines[start]) + 2;
    let body: Vec<&str> = lines[start + 1..]
        .iter()
        .take_while(|l| l.trim().is_empty() || indent(l) >= step_indent)
        .copied()
        .collect();
    let block = |key: &str| -> Vec<&str> {
        let at = body
            .iter()
            .position(|l| indent(l) == step_indent && l.trim_start().starts_with(key))
            .unwrap_or_else(|| panic!("{key} in {name}"));
        body[at + 1..]
            .iter()
            .take_while(|l| l.trim().is_empty() || indent(l) > step_indent)
            .copied()
            .collect()
    };
    let env = block("env:")
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (key, value) = l.trim().split_once(": ").unwrap();
            (key.to_string(), value.to_string())
        })
        .collect();
    let script: Vec<&str> = block("run: |")
        .iter()
        .map(|l| l.get(step_indent + 2..).unwrap_or(""))
        .collect();
    (env, script.join("\n") + "\n")
}

/// Runs the step "Run callcheck" with bash, as the runner does, in a new directory `name`
/// with `env` set and a stand-in `callcheck` that records its arguments: the directory, and
/// the arguments, one a line.
fn run_step(name: &str, env: &[(&str, &str)]) -> (std::path::PathBuf, Vec<String>) {
    let (_, script) = step("Run callcheck");
    let dir = scratch(name);
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).unwrap();
    let stub = bin.join("callcheck");
    fs::write(
        &stub,
        "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > \"$ARGS_FILE\"\nexit 1\n",
    )
    .unwrap();
    Command::new("chmod").arg("+x").arg(&stub).status().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let mut command = Command::new("bash");
    command
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script])
        .current_dir(&dir)
        .env("PATH", path)
        .env("HOME", "/home/runner")
        .env("ARGS_FILE", dir.join("args"))
        .env("GITHUB_ENV", dir.join("github_env"))
        .env("CALLCHECK_SARIF", "out.sarif")
        .env_remove("CALLCHECK_KEEP_CACHE");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let args = fs::read_to_string(dir.join("args")).unwrap();
    (dir, args.lines().map(str::to_string).collect())
}

#[test]
fn inputs_are_words_not_shell_code() {
    let (env, script) = step("Run callcheck");
    assert!(
        !script.contains("${{"),
        "no input is pasted into the script:\n{script}"
    );
    let input_of = |variable: &str| {
        env.iter()
            .find(|(key, _)| key == variable)
            .map(|(_, value)| value.clone())
            .unwrap_or_else(|| panic!("{variable} in env"))
    };
    assert_eq!(input_of("CALLCHECK_ARGS"), "${{ inputs.args }}");
    assert_eq!(input_of("CALLCHECK_PATHS"), "${{ inputs.paths }}");
    assert_eq!(input_of("CALLCHECK_KEEP_CACHE"), "${{ inputs.cache }}");

    let (dir, args) = run_step(
        "action_inputs",
        &[
            (
                "CALLCHECK_ARGS",
                "--preset qemu $(touch pwned); touch pwned2\n--strict `touch pwned3`",
            ),
            ("CALLCHECK_PATHS", "block *.c"),
        ],
    );
    for pwned in ["pwned", "pwned2", "pwned3"] {
        assert!(!dir.join(pwned).exists(), "{pwned}: an input ran as code");
    }
    assert_eq!(
        args,
        [
            "--format", "sarif", "--preset", "qemu", "$(touch", "pwned);", "touch", "pwned2",
            "--strict", "`touch", "pwned3`", "block", "*.c",
        ]
    );
    assert!(dir.join("out.sarif").exists());
    assert_eq!(
        fs::read_to_string(dir.join("github_env")).unwrap(),
        "status=1\n"
    );
}

#[test]
fn the_extraction_cache_is_kept_where_the_cache_steps_save_it() {
    let (_, args) = run_step(
        "action_cache",
        &[
            ("CALLCHECK_KEEP_CACHE", "true"),
            ("CALLCHECK_ARGS", "--preset qemu"),
        ],
    );
    assert_eq!(
        args,
        [
            "--format",
            "sarif",
            "--cache-dir",
            "/home/runner/.cache/callcheck-action",
            "--preset",
            "qemu"
        ]
    );
    // The directory callcheck is given is the one restored before and saved after it.
    let text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    let cache_paths = text
        .lines()
        .filter(|line| line.trim() == "path: ~/.cache/callcheck-action")
        .count();
    assert_eq!(cache_paths, 2, "the restore and save steps");
    let (_, args) = run_step("action_no_cache", &[("CALLCHECK_KEEP_CACHE", "false")]);
    assert_eq!(args, ["--format", "sarif"]);
}

#[test]
fn plain_scalars_in_the_metadata_parse_as_yaml() {
    // A plain (unquoted) YAML scalar ends at `: ` or ` #`: such a value must be quoted, or the
    // file does not parse and GitHub cannot load the action (the `paths` description once did
    // this). Every `key: value` line outside the run scripts is checked.
    let text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    let mut script_indent = None;
    for (number, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        if let Some(script) = script_indent {
            if line.trim().is_empty() || indent > script {
                continue;
            }
            script_indent = None;
        }
        let content = line.trim_start().trim_start_matches("- ");
        if content.starts_with('#') {
            continue;
        }
        let Some((_, value)) = content.split_once(": ") else {
            continue;
        };
        let value = value.trim();
        if value == "|" || value == ">" {
            script_indent = Some(indent);
            continue;
        }
        let quoted = value.starts_with('"') || value.starts_with('\'');
        assert!(
            quoted || !(value.contains(": ") || value.contains(" #")),
            "action.yml:{}: quote this value: {value}",
            number + 1
        );
    }
}
