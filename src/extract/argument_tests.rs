//! Unit tests of the parameter conditions and constant arguments extraction records.

use super::*;
use crate::config::qemu_block;
use crate::model::ParamTest;

/// Each definition's conditional uses (`name:TEST@POSITION`), constant arguments
/// (`name(POSITION=VALUE)`) and conditional markers, in that order.
fn facts(source: &str) -> Vec<String> {
    let (contexts, _) = qemu_block();
    let file = extract(source.as_bytes(), &Recognizer::new(&contexts));
    let test = |condition: ParamCondition| {
        let value = |c: Constant| match c {
            Constant::Int(v) => v.to_string(),
            Constant::Name(_) => "NAME".to_string(),
        };
        let test = match condition.test {
            ParamTest::NonZero => "nonzero".to_string(),
            ParamTest::Zero => "zero".to_string(),
            ParamTest::Equal(c) => format!("=={}", value(c)),
            ParamTest::NotEqual(c) => format!("!={}", value(c)),
        };
        format!("{test}@{}", condition.position)
    };
    let mut out = Vec::new();
    for (index, function) in file.functions.iter().enumerate() {
        let range = function.uses_start..function.uses_end;
        let name = |use_index: u32| file.name(file.uses[use_index as usize].name).to_string();
        for &(use_index, condition) in &file.use_conditions {
            if range.contains(&use_index) {
                out.push(format!(
                    "{}: {}:{}",
                    file.name(function.name),
                    name(use_index),
                    test(condition)
                ));
            }
        }
        for &(use_index, position, value) in &file.call_constants {
            if range.contains(&use_index) {
                let value = match value {
                    Constant::Int(v) => v.to_string(),
                    Constant::Name(_) => "NAME".to_string(),
                };
                out.push(format!(
                    "{}: {}({position}={value})",
                    file.name(function.name),
                    name(use_index)
                ));
            }
        }
        for &(at, context, condition) in &file.marker_conditions {
            if at as usize == index {
                out.push(format!(
                    "{}: marker {}:{}",
                    file.name(function.name),
                    contexts.name(context),
                    test(condition)
                ));
            }
        }
    }
    out
}

#[test]
fn early_exit_on_a_parameter_conditions_the_rest_of_the_block() {
    let got = facts(
        "int get(void *bs, long offset, int allocate, int *out)\n{\n    if (!l2) {\n        if (!allocate)\n            return 0;\n        write(bs);\n    }\n    read(bs);\n}\n",
    );
    assert_eq!(got, ["get: write:nonzero@2"]);
}

#[test]
fn conjuncts_in_parentheses_and_masks() {
    let got = facts(
        "int prw(int type, int flags)\n{\n    if (ret == 0 && (flags & FUA)) {\n        flush();\n    }\n    if (type == 3 && x) { a(); } else { b(); }\n    if (type != 3) c(); else d();\n}\n",
    );
    assert_eq!(
        got,
        [
            "prw: flush:nonzero@1",
            "prw: a:==3@0",
            "prw: c:!=3@0",
            "prw: d:==3@0"
        ]
    );
}

#[test]
fn switch_cases_that_nothing_falls_into() {
    let got = facts(
        "int w(void *bs, int method)\n{\n    switch (method) {\n    case COPY:\n        pw();\n        break;\n    case ZERO:\n        pz();\n    case DISCARD:\n        pd();\n        break;\n    default:\n        abort();\n    }\n}\n",
    );
    assert_eq!(got, ["w: pw:==NAME@1", "w: pz:==NAME@1"]);
}

#[test]
fn markers_and_their_conditions() {
    let got = facts(
        "void close_it(void *bs, bool close_data_file)\n{\n    free(bs);\n    if (close_data_file && has_data_file(bs)) {\n        GLOBAL_STATE_CODE();\n        wrlock();\n    }\n}\n",
    );
    assert_eq!(
        got,
        [
            "close_it: GLOBAL_STATE_CODE:nonzero@1",
            "close_it: wrlock:nonzero@1",
            "close_it: marker GLOBAL_STATE_CODE:nonzero@1"
        ]
    );
}

#[test]
fn assigned_parameters_and_mixed_uses_lose_their_conditions() {
    let got = facts(
        "void a(int p)\n{\n    if (p) { f(); }\n    p = 1;\n}\n\
         void b(int p)\n{\n    if (p) { g(); }\n    g();\n    q(&p);\n}\n\
         void c(int p)\n{\n    while (x) { if (p) { h(); } p++; }\n}\n\
         void d(int p)\n{\n    if (local) { i(); }\n    if (!p) goto skip;\n    j();\nout:\n    k();\nskip:\n    ;\n}\n",
    );
    // Only the use between the early exit and the next label keeps its condition.
    assert_eq!(got, ["d: j:nonzero@0"]);
}

#[test]
fn constant_arguments_every_call_agrees_on() {
    let got = facts(
        "void caller(int x)\n{\n    f(bs, 0, false, NULL, -1, 0x10, KIND_A, x, 1.5);\n    g(1, 2);\n    g(1, 3);\n    h(0);\n    h(x);\n    i(0);\n    cb = i;\n    j((T){1, 2}, 7);\n}\n",
    );
    assert_eq!(
        got,
        [
            "caller: f(1=0)",
            "caller: f(2=0)",
            "caller: f(3=0)",
            "caller: f(4=-1)",
            "caller: f(5=16)",
            "caller: f(6=NAME)",
            "caller: g(0=1)",
            "caller: j(1=7)"
        ]
    );
}
