//! Unit tests of the graph build.

use super::*;
use crate::config::qemu_block;
use crate::extract::{Recognizer, extract};

fn graph(files: &[(&str, &str)], kinds: EdgeKinds) -> Graph {
    let (contexts, _) = qemu_block();
    let recognizer = Recognizer::new(&contexts);
    let sources: Vec<SourceFile> = files
        .iter()
        .map(|(path, text)| SourceFile {
            path: path.to_string(),
            functions: Box::new(extract(text.as_bytes(), &recognizer)),
        })
        .collect();
    Graph::build(sources, &BuildOptions::new(kinds))
}

/// Every edge as `caller@file -> callee@file`.
fn edges(graph: &Graph) -> Vec<String> {
    let at = |n: NodeId| format!("{}@{}", graph.name(n), graph.file_of(n));
    graph
        .nodes()
        .flat_map(|n| graph.edges_from(n).iter().map(move |e| (n, e.to)))
        .map(|(from, to)| format!("{} -> {}", at(from), at(to)))
        .collect()
}

/// Every edge as `caller -kind-> callee`.
fn kinded_edges(graph: &Graph) -> Vec<String> {
    graph
        .nodes()
        .flat_map(|n| graph.edges_from(n).iter().map(move |e| (n, e)))
        .map(|(from, e)| {
            format!(
                "{} -{}-> {}",
                graph.name(from),
                e.kind().name(),
                graph.name(e.to)
            )
        })
        .collect()
}

#[test]
fn macros_expand_through_nested_macros_and_stop_at_cycles() {
    let g = graph(
        &[
            (
                "m.h",
                "#define A(x) B(x) + f()\n#define B(x) A(x) + g() + IO_CODE()\n",
            ),
            (
                "a.c",
                "void f(void) {}\nvoid g(void) {}\nvoid user(void) { A(1); f(); }\n",
            ),
        ],
        EdgeKinds::ALL,
    );
    assert_eq!(
        kinded_edges(&g),
        ["user -macro-> f", "user -macro-> g", "user -call-> f"]
    );
    let user = g.nodes().find(|&n| g.name(n) == "user").unwrap();
    let (contexts, _) = qemu_block();
    let io = contexts.by_name("IO_CODE").unwrap();
    assert!(g.origins.get(g.function(user)).macro_marker.contains(io));
    assert_eq!(
        g.stats().unresolved_calls,
        0,
        "A is a macro, not a missing function"
    );
    let without = graph(
        &[
            (
                "m.h",
                "#define A(x) B(x) + f()\n#define B(x) A(x) + g() + IO_CODE()\n",
            ),
            ("a.c", "void f(void) {}\nvoid user(void) { A(1); }\n"),
        ],
        EdgeKinds::of([UseKind::Call, UseKind::Reference]),
    );
    assert!(kinded_edges(&without).is_empty());
    assert!(without.function(1).contexts.is_empty());
}

#[test]
fn member_calls_reach_every_struct_with_that_field() {
    let g = graph(
        &[
            (
                "a.c",
                "static void r1(void) {}\nstatic T1 t1 = { .read = r1 };\n",
            ),
            (
                "b.c",
                "static void r2(void) {}\nstatic T2 t2 = { .read = r2, .size = 4 };\n",
            ),
            (
                "c.c",
                "void w(void) {}\nvoid setup(S *s) { s->write = w; }\n\
                     void use(S *s) { s->read(); s->write(); s->size(); }\n",
            ),
        ],
        EdgeKinds::ALL,
    );
    let fields: Vec<_> = g
        .nodes()
        .filter(|&n| g.function(n).kind.is_field())
        .map(|n| (g.name(n), g.file_of(n), g.display(n)))
        .collect();
    assert_eq!(
        fields,
        [
            ("T1.read", "a.c", "T1.read".to_string()),
            ("T2.read", "b.c", "T2.read".to_string()),
            ("S.write", "c.c", "S.write".to_string())
        ],
        "sorted by field, then type; the declaration of s shows its type; .size binds \
         no function"
    );
    let mut from_use: Vec<_> = kinded_edges(&g)
        .into_iter()
        .filter(|e| !e.starts_with("setup "))
        .collect();
    from_use.sort();
    assert_eq!(
        from_use,
        [
            "S.write -field-> w",
            "T1.read -field-> r1",
            "T2.read -field-> r2",
            "use -field-> S.write"
        ],
        "s is an S: s->read() reaches no other type's read"
    );
    assert_eq!(g.stats().fields, 3);
    let no_fields = graph(
        &[(
            "a.c",
            "static void r1(void) {}\nstatic T1 t1 = { .read = r1 };\n",
        )],
        EdgeKinds::CALLS_ONLY,
    );
    assert_eq!(no_fields.stats().fields, 0);
}

#[test]
fn a_declared_object_type_narrows_member_calls() {
    let g = graph(
        &[(
            "d.c",
            "static void of(void *p) {}
static void jf(void *p) {}
             static void anyf(void *p) {}
             static Object o = { .free = of };
static JobDriver j = { .free = jf };
             void attach(X *x) { x->y->free = anyf; }
             void fin(Object *obj) { obj->free(obj); }
             void chain(X *x) { x->y->free(x); }
             void local(void) { const JobDriver *drv = get();
 drv->free(0); }
",
        )],
        EdgeKinds::ALL,
    );
    let reached = |user: &str| -> Vec<String> {
        let node = g.nodes().find(|&n| g.name(n) == user).unwrap();
        g.edges_from(node)
            .iter()
            .map(|e| g.name(e.to).to_string())
            .collect()
    };
    assert_eq!(
        reached("fin"),
        ["Object.free"],
        "its own type only: the binding of unknown type is not matched by name"
    );
    assert_eq!(reached("local"), ["JobDriver.free"]);
    assert_eq!(
        reached("chain"),
        [".free", "JobDriver.free", "Object.free"],
        "x->y has no known type"
    );
}

#[test]
fn access_paths_follow_pointer_members() {
    let g = graph(
        &[
            (
                "s.h",
                "struct S { struct T *t; U *u; int n; };\nstruct T { int x; };\n\
                 struct W { T *t; };\nstruct W { U *t; };\n",
            ),
            (
                "a.c",
                "static void tg(void) {}\nstatic void ug(void) {}\n\
                 static T t = { .go = tg };\nstatic U u = { .go = ug };\n\
                 void via_t(S *s) { s->t->go(); }\nvoid via_u(S *s) { s->u->go(); }\n\
                 void via_n(S *s) { s->n->go(); }\nvoid via_w(W *w) { w->t->go(); }\n",
            ),
        ],
        EdgeKinds::ALL,
    );
    let reached = |user: &str| -> Vec<&str> {
        let node = g.nodes().find(|&n| g.name(n) == user).unwrap();
        g.edges_from(node).iter().map(|e| g.name(e.to)).collect()
    };
    assert_eq!(reached("via_t"), ["T.go"]);
    assert_eq!(reached("via_u"), ["U.go"]);
    assert_eq!(
        reached("via_n"),
        ["T.go", "U.go"],
        "n is not a pointer member"
    );
    assert_eq!(
        reached("via_w"),
        ["T.go", "U.go"],
        "W.t is declared with two types: unknown"
    );
}

#[test]
fn wrappers_are_generated_only_where_nothing_defines_them() {
    let (contexts, _) = qemu_block();
    let recognizer = Recognizer::new(&contexts);
    let wrapper = Wrapper {
        attributes: vec!["co_wrapper".into()],
        pattern: regex::Regex::new("^([^_]+)_(.+)$").unwrap(),
        target: "${1}_co_${2}".into(),
        contexts: ContextSet::default(),
        edge: UseKind::Generated,
        target_guard: Guard::None,
        calls: Vec::new(),
        includes: Vec::new(),
    };
    let files = [
        (
            "h.h",
            "int co_wrapper bdrv_flush(void *bs);\nint co_wrapper bdrv_open(int);\n\
                 int co_wrapper bdrv_read(void);\n",
        ),
        (
            "a.c",
            "int bdrv_co_flush(void *bs) { return 0; }\nint bdrv_open(int f) { return f; }\n\
                 void user(void) { bdrv_flush(0); bdrv_read(); }\n",
        ),
    ];
    let sources = files
        .iter()
        .map(|(path, text)| SourceFile {
            path: path.to_string(),
            functions: Box::new(extract(text.as_bytes(), &recognizer)),
        })
        .collect();
    let options = BuildOptions {
        wrappers: std::slice::from_ref(&wrapper),
        ..BuildOptions::new(EdgeKinds::ALL)
    };
    let g = Graph::build(sources, &options);
    let generated: Vec<_> = g
        .nodes()
        .filter(|&n| g.function(n).kind == NodeKind::Generated)
        .map(|n| (g.name(n), g.file_of(n), g.function(n).line))
        .collect();
    assert_eq!(
        generated,
        [("bdrv_flush", "h.h", 1), ("bdrv_read", "h.h", 3)],
        "bdrv_open has a definition"
    );
    assert_eq!(
        kinded_edges(&g),
        [
            "user -call-> bdrv_flush",
            "user -call-> bdrv_read",
            "bdrv_flush -generated-> bdrv_co_flush"
        ],
        "bdrv_co_read is defined nowhere"
    );
}

#[test]
fn a_function_node_takes_thirty_two_bytes() {
    // Linux has 650,000; its origins live in a table of their own.
    assert_eq!(std::mem::size_of::<Function>(), 32);
}

#[test]
fn edges_keep_kind_and_line_in_sixteen_bytes() {
    assert_eq!(std::mem::size_of::<Edge>(), 16);
    for kind in UseKind::ALL {
        let edge = Edge::new(7, kind, 3, 123_456, 9);
        assert_eq!(
            (edge.to, edge.kind(), edge.file, edge.line(), edge.column),
            (7, kind, 3, 123_456, 9)
        );
    }
    let far = Edge::new(0, UseKind::Generated, 0, u32::MAX, 0);
    assert_eq!(
        (far.kind(), far.line(), far.guessed()),
        (UseKind::Generated, (1 << LineMark::LINE_BITS) - 1, false)
    );
    let guessed = far.with_guessed(true);
    assert_eq!(
        (guessed.kind(), guessed.line(), guessed.guessed()),
        (UseKind::Generated, (1 << LineMark::LINE_BITS) - 1, true)
    );
    assert!(
        !Edge::new(0, UseKind::Call, 0, 1, 1)
            .with_guessed(false)
            .guessed()
    );
    for guard in Guard::ALL {
        let edge = guessed.guarded(Guard::Inside).guarded(guard);
        assert_eq!(
            (edge.kind(), edge.line(), edge.guard(), edge.guessed()),
            (guessed.kind(), guessed.line(), guard, true)
        );
        assert!(
            !far.guarded(guard).guessed(),
            "the guard leaves bit 31 alone"
        );
    }
}

#[test]
fn field_steps_and_name_merges_are_guessed() {
    // Known: a static in the file, a member call through a declared type to its one field.
    // Guessed: a name two files define, a member call of unknown type, a field's binding.
    let a = "void shared(void) { }\nstatic void own(void) { }\n\
             static const Ops ops = { .run = own };\n\
             void user(Ops *o) { shared(); own(); o->run(); }\n\
             void cast(void *p) { ((Ops *)p)->run(); }\n";
    let b = "void shared(void) { }\n";
    let g = graph(&[("a.c", a), ("b.c", b)], EdgeKinds::ALL);
    let guessed: Vec<String> = g
        .nodes()
        .flat_map(|n| g.edges_from(n).iter().map(move |e| (n, *e)))
        .map(|(n, e)| format!("{} -> {} {}", g.name(n), g.name(e.to), e.guessed()))
        .collect();
    assert_eq!(
        guessed,
        [
            "user -> shared true",
            "user -> shared true",
            "user -> own false",
            "user -> Ops.run false",
            "cast -> Ops.run true",
            "Ops.run -> own true"
        ]
    );
}

#[test]
fn nodes_are_in_file_then_source_order() {
    let g = graph(
        &[
            ("b.c", "void z(void) {}\nvoid a(void) {}"),
            ("a.c", "void z(void) {}"),
        ],
        EdgeKinds::ALL,
    );
    let nodes: Vec<_> = g
        .nodes()
        .map(|n| (g.name(n), g.file_of(n), g.function(n).line))
        .collect();
    assert_eq!(nodes, [("z", "a.c", 1), ("z", "b.c", 1), ("a", "b.c", 2)]);
}

#[test]
fn header_statics_resolve_in_their_includers() {
    let g = graph(
        &[
            ("inc/a.h", "static inline void h(void) {}\n"),
            (
                "inc/b.h",
                "#include \"a.h\"\nstatic inline void k(void) {}\n",
            ),
            ("other.h", "static inline void h(void) {}\n"),
            ("x.c", "#include \"inc/b.h\"\nvoid f(void) { h(); k(); }\n"),
            ("y.c", "#include \"other.h\"\nvoid g(void) { h(); k(); }\n"),
            (
                "z.c",
                "static void h(void) {}\n#include \"other.h\"\nvoid u(void) { h(); }\n",
            ),
            (
                "w.c",
                "#if 0\n#include \"other.h\"\n#endif\nvoid v(void) { h(); }\n",
            ),
        ],
        EdgeKinds::ALL,
    );
    assert_eq!(
        edges(&g),
        [
            "f@x.c -> h@inc/a.h",
            "f@x.c -> k@inc/b.h",
            "g@y.c -> h@other.h",
            "u@z.c -> h@z.c"
        ],
        "transitive includes; each includer its own h; the own static first; no include in \
         #if 0 code"
    );
    assert_eq!(g.stats().unresolved_includes, 0);
}

#[test]
fn static_in_own_file_wins_else_every_global() {
    let g = graph(
        &[
            ("a.c", "static void h(void) {}\nvoid f(void) { h(); }"),
            ("b.c", "void h(void) {}\nvoid g(void) { h(); }"),
            ("c.c", "void h(void) {}\nstatic void k(void) {}"),
            ("d.c", "void user(void) { h(); k(); }"),
        ],
        EdgeKinds::ALL,
    );
    assert_eq!(
        edges(&g),
        [
            "f@a.c -> h@a.c",
            "g@b.c -> h@b.c",
            "g@b.c -> h@c.c",
            "user@d.c -> h@b.c",
            "user@d.c -> h@c.c"
        ]
    );
    assert_eq!(
        g.stats().unresolved_calls,
        1,
        "k() is static in another file"
    );
}

#[test]
fn references_count_unless_calls_only() {
    let files = [("a.c", "void cb(void) {}\nvoid f(void) { schedule(cb, x); }")];
    let both = graph(&files, EdgeKinds::ALL);
    assert_eq!(edges(&both), ["f@a.c -> cb@a.c"]);
    let stats = both.stats();
    assert_eq!(
        (
            stats.edges_of(UseKind::Call),
            stats.edges_of(UseKind::Reference),
            stats.unresolved_calls
        ),
        (0, 1, 1)
    );
    assert!(edges(&graph(&files, EdgeKinds::CALLS_ONLY)).is_empty());
}

#[test]
fn edges_can_be_cut() {
    let mut g = graph(
        &[(
            "a.c",
            "void a(void) { b(); c(); }\nvoid b(void) { c(); }\nvoid c(void) {}",
        )],
        EdgeKinds::ALL,
    );
    // Nodes are a, b, c in source order: cut a -> c.
    g.retain_edges(|from, edge| !(from == 0 && edge.to == 2));
    assert_eq!(edges(&g), ["a@a.c -> b@a.c", "b@a.c -> c@a.c"]);
}

#[test]
fn reverse_edges_list_callers() {
    let g = graph(
        &[(
            "a.c",
            "void a(void) { c(); }\nvoid b(void) { c(); b(); }\nvoid c(void) {}",
        )],
        EdgeKinds::ALL,
    );
    let callers = g.reverse();
    let callers_of = |n: NodeId| callers.of(n).map(|used| used.caller).collect::<Vec<_>>();
    assert_eq!(
        (callers_of(0), callers_of(1), callers_of(2)),
        (vec![], vec![1], vec![0, 1])
    );
    assert_eq!(g.len(), 3);
}

/// The names of the nodes `user`'s edges reach, in edge order.
fn reached<'g>(g: &'g Graph, user: &str) -> Vec<&'g str> {
    let node = g.nodes().find(|&n| g.name(n) == user).unwrap();
    g.edges_from(node).iter().map(|e| g.name(e.to)).collect()
}

#[test]
fn cast_macros_type_member_calls() {
    let g = graph(
        &[
            (
                "qom.h",
                "#define OBJECT_CHECK(type, obj, name) ((type *)cast(obj))\n\
                 #define OBJECT_CLASS_CHECK(class_type, class, name) ((class_type *)cast(class))\n\
                 #define OBJECT_GET_CLASS(class, obj, name) \\\n\
                 OBJECT_CLASS_CHECK(class, get_class(obj), name)\n\
                 #define FOO(obj) OBJECT_CHECK(Foo, (obj), TYPE_FOO)\n\
                 #define FOO_GET_CLASS(obj) OBJECT_GET_CLASS(FooClass, obj, TYPE_FOO)\n\
                 OBJECT_DECLARE_TYPE(Bar, BarClass, BAR)\n\
                 #define TWICE(obj) ((Foo *)(obj))\n#define TWICE(obj) ((Bar *)(obj))\n",
            ),
            (
                "a.c",
                "static void f(void) {}\nstatic void fc(void) {}\nstatic void b(void) {}\n\
                 static void bc(void) {}\n\
                 static Foo foo = { .go = f };\nstatic FooClass foo_class = { .go = fc };\n\
                 static Bar bar = { .go = b };\nstatic BarClass bar_class = { .go = bc };\n\
                 void on_foo(void *o) { FOO(o)->go(); }\n\
                 void on_foo_class(void *o) { FOO_GET_CLASS(o)->go(); }\n\
                 void on_bar(void *o) { BAR(o)->go(); }\n\
                 void on_bar_class(void *o) { BAR_GET_CLASS(o)->go(); }\n\
                 void on_check(void *o) { OBJECT_CHECK(Bar, o, T)->go(); }\n\
                 void on_twice(void *o) { TWICE(o)->go(); }\n",
            ),
        ],
        EdgeKinds::ALL,
    );
    assert_eq!(reached(&g, "on_foo"), ["Foo.go"]);
    assert_eq!(reached(&g, "on_foo_class"), ["FooClass.go"]);
    assert_eq!(reached(&g, "on_bar"), ["Bar.go"]);
    assert_eq!(reached(&g, "on_bar_class"), ["BarClass.go"]);
    assert_eq!(reached(&g, "on_check"), ["Bar.go"]);
    assert_eq!(
        reached(&g, "on_twice"),
        ["Bar.go", "BarClass.go", "Foo.go", "FooClass.go"],
        "definitions that disagree give no type"
    );
    assert_eq!(g.stats().by_name_member_calls, 1);
    assert_eq!(g.stats().by_name_field_targets, 4);
}

#[test]
fn typedefs_and_members_by_value_type_access_paths() {
    let g = graph(
        &[
            (
                "t.h",
                "typedef struct IRQState *qemu_irq;\ntypedef qemu_irq irq_alias;\n\
                 struct IRQState { int (*handler)(void); };\n\
                 typedef struct { int (*handler)(void); } Gdb;\n\
                 typedef struct Job { struct JobDriver *driver; } Job;\n\
                 typedef struct BlockJob { Job job; } BlockJob;\n\
                 struct JobDriver { int (*handler)(void); };\n",
            ),
            (
                "a.c",
                "static int irq_h(void) { return 0; }\nstatic int gdb_h(void) { return 0; }\n\
                 static int job_h(void) { return 0; }\n\
                 void init(struct IRQState *irq) { irq->handler = irq_h; }\n\
                 static Gdb table = { .handler = gdb_h };\n\
                 static struct JobDriver driver = { .handler = job_h };\n\
                 void raise(qemu_irq irq) { irq->handler(); }\n\
                 void raise2(irq_alias irq) { irq->handler(); }\n\
                 void run(BlockJob *bj) { bj->job.driver->handler(); }\n\
                 void local(BlockJob *bj) { Job j = bj->job; j.driver->handler(); }\n",
            ),
        ],
        EdgeKinds::ALL,
    );
    assert_eq!(reached(&g, "raise"), ["IRQState.handler"]);
    assert_eq!(
        reached(&g, "raise2"),
        ["IRQState.handler"],
        "typedef of typedef"
    );
    assert_eq!(reached(&g, "run"), ["JobDriver.handler"]);
    assert_eq!(reached(&g, "local"), ["JobDriver.handler"]);
    assert_eq!(g.stats().by_name_member_calls, 0);
}

#[test]
fn bindings_of_unknown_type_join_the_one_struct_that_declares_the_field() {
    let g = graph(
        &[
            (
                "t.h",
                "typedef void (Fn)(void *);\ntypedef int (*PtrFn)(void);\n\
                 struct Only { Fn *once; PtrFn ptr; };\n\
                 struct A { int (*twice)(void); };\nstruct B { int (*twice)(void); };\n",
            ),
            (
                "a.c",
                "static void o(void *p) {}\nstatic int p(void) { return 0; }\n\
                 static int t(void) { return 0; }\nstatic int ta(void) { return 0; }\n\
                 void bind(X *x) { x->y->once = o; x->y->ptr = p; x->y->twice = t; }\n\
                 static struct A a = { .twice = ta };\n\
                 void call_a(struct A *v) { v->twice(); }\n\
                 void call_c(struct C *v) { v->twice(); }\n\
                 void call_any(X *x) { x->y->twice(); }\n\
                 void call_once(struct Only *v) { v->once(0); v->ptr(); }\n",
            ),
        ],
        EdgeKinds::ALL,
    );
    assert_eq!(reached(&g, "call_once"), ["Only.once", "Only.ptr"]);
    assert_eq!(
        reached(&g, "call_a"),
        ["A.twice"],
        "a binding of unknown type does not match a known type by name"
    );
    assert_eq!(
        reached(&g, "call_c"),
        [".twice"],
        "a known type without nodes of the field reaches those of unknown type"
    );
    assert_eq!(reached(&g, "call_any"), [".twice", "A.twice"]);
    let stats = g.stats();
    assert_eq!(
        (stats.by_name_member_calls, stats.by_name_field_targets),
        (2, 3)
    );
}

#[test]
fn of_two_contexts_that_override_each_other_the_first_in_the_table_wins() {
    // qemu-block's markers: GLOBAL_STATE_CODE, IO_CODE, IO_OR_GS_CODE, in that order.
    let mut g = graph(
        &[(
            "a.c",
            "void both(void) { IO_CODE(); GLOBAL_STATE_CODE(); IO_OR_GS_CODE(); }\n\
             void one(void) { IO_CODE(); }\n",
        )],
        EdgeKinds::CALLS_ONLY,
    );
    let (contexts, _) = qemu_block();
    let [gs, io, io_or_gs] =
        ["GLOBAL_STATE_CODE", "IO_CODE", "IO_OR_GS_CODE"].map(|n| contexts.by_name(n).unwrap());
    let mut gs_only = ContextSet::default();
    gs_only.insert(gs);
    let mut io_only = ContextSet::default();
    io_only.insert(io);
    let contexts = contexts.with_overrides(&[(gs, io_only), (io, gs_only)]);
    let found = g.apply_overrides(&contexts);
    let both = g.nodes().find(|&n| g.name(n) == "both").unwrap();
    assert_eq!(
        found,
        [Overridden {
            node: both,
            by: gs,
            overridden: io_only,
        }]
    );
    let left: Vec<ContextId> = g.function(both).contexts.iter().collect();
    assert_eq!(left, [gs, io_or_gs]);
    assert!(
        g.origins.get(g.function(both)).marker.contains(io),
        "origins keep the record"
    );
    let one = g.nodes().find(|&n| g.name(n) == "one").unwrap();
    assert!(
        g.function(one).contexts.contains(io),
        "nothing overrides a lone context"
    );
}
