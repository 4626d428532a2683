//! Variable lookup order, environment name variants, nested expansion,
//! cycles and arithmetic, driven through `Variables` directly.

use std::collections::BTreeMap;
use std::path::Path;

use zconnect_config::variables::{ExpansionProblem, VariableSource, Variables};
use zconnect_config::LoadOptions;

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Builds variables where the sources named in `present` define `n` (and
/// `env.n`'s target `n`) as the source's own name.
fn with_sources(present: &[VariableSource]) -> Variables {
    let has = |source| present.contains(&source);
    let mut options = LoadOptions::default();
    if has(VariableSource::CommandLine) {
        options.command_line_vars = map(&[("n", "command-line")]);
    }
    let mut environment = BTreeMap::new();
    if has(VariableSource::Environment) {
        environment.insert("n".to_string(), "environment".to_string());
    }
    options.environment = environment;
    let bootstrap = if has(VariableSource::Bootstrap) {
        map(&[("n", "bootstrap")])
    } else {
        BTreeMap::new()
    };
    let mut variables = Variables::new(&options, Path::new("/srv/wlp/usr/servers/s1"), bootstrap);
    if has(VariableSource::ConfigValue) {
        variables.define("n", "variable-value", None);
    }
    if has(VariableSource::ConfigDefault) {
        variables.define_default("n", "default-value", None);
    }
    variables
}

#[test]
fn lookup_order_each_source_wins_over_the_next() {
    use VariableSource::*;
    let cases = [
        (
            vec![
                CommandLine,
                ConfigValue,
                Bootstrap,
                Environment,
                ConfigDefault,
            ],
            "command-line",
            CommandLine,
        ),
        (
            vec![ConfigValue, Bootstrap, Environment, ConfigDefault],
            "variable-value",
            ConfigValue,
        ),
        (
            vec![Bootstrap, Environment, ConfigDefault],
            "bootstrap",
            Bootstrap,
        ),
        (vec![Environment, ConfigDefault], "environment", Environment),
        (vec![ConfigDefault], "default-value", ConfigDefault),
    ];
    for (present, expected, source) in cases {
        let variables = with_sources(&present);
        let found = variables.lookup("n");
        assert_eq!(found, Some((expected, source)), "sources {present:?}");
    }
}

#[test]
fn lookup_finds_nothing_without_a_source() {
    assert_eq!(with_sources(&[]).lookup("n"), None);
}

#[test]
fn lookup_env_prefix_reads_the_environment_before_predefined_names() {
    let options = LoadOptions {
        environment: map(&[("HOME_DIR", "/home/x"), ("server.config.dir", "from-env")]),
        ..LoadOptions::default()
    };
    let mut bootstrap = BTreeMap::new();
    bootstrap.insert("env.OTHER".to_string(), "bootstrap-wins".to_string());
    let mut options_with_other = options.clone();
    options_with_other
        .environment
        .insert("OTHER".to_string(), "env".to_string());
    let variables = Variables::new(&options_with_other, Path::new("/srv/s1"), bootstrap);

    assert_eq!(
        variables.lookup("env.HOME_DIR"),
        Some(("/home/x", VariableSource::EnvironmentPrefix))
    );
    assert_eq!(
        variables.lookup("env.OTHER"),
        Some(("bootstrap-wins", VariableSource::Bootstrap))
    );
    assert_eq!(
        variables
            .lookup("server.config.dir")
            .map(|(_, source)| source),
        Some(VariableSource::Predefined)
    );
}

#[test]
fn lookup_predefined_names_follow_the_server_directory() {
    let options = LoadOptions {
        output_dir: Some("/var/out".into()),
        ..LoadOptions::default()
    };
    let variables = Variables::new(
        &options,
        Path::new("/srv/wlp/usr/servers/s1"),
        BTreeMap::new(),
    );
    let cases = [
        ("server.config.dir", "/srv/wlp/usr/servers/s1"),
        ("server.output.dir", "/var/out"),
        ("wlp.server.name", "s1"),
        ("wlp.user.dir", "/srv/wlp/usr"),
        ("shared.config.dir", "/srv/wlp/usr/shared/config"),
        ("shared.resource.dir", "/srv/wlp/usr/shared/resources"),
    ];
    for (name, expected) in cases {
        assert_eq!(variables.resolve(name).as_deref(), Some(expected), "{name}");
    }
}

#[test]
fn lookup_output_dir_defaults_to_the_server_directory() {
    let variables = Variables::new(
        &LoadOptions::default(),
        Path::new("/srv/s1"),
        BTreeMap::new(),
    );
    assert_eq!(
        variables.resolve("server.output.dir").as_deref(),
        Some("/srv/s1")
    );
}

#[test]
fn environment_name_variants_are_tried_in_order() {
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[
                ("oauth.client.id", "exact"),
                ("oauth_client_id", "x"),
                ("OAUTH_CLIENT_ID", "y"),
            ],
            "exact",
        ),
        (
            &[("oauth_client_id", "sanitized"), ("OAUTH_CLIENT_ID", "y")],
            "sanitized",
        ),
        (&[("OAUTH_CLIENT_ID", "upper")], "upper"),
        (&[("Oauth_Client_Id", "mixed")], ""),
    ];
    for (environment, expected) in cases {
        let options = LoadOptions {
            environment: map(environment),
            ..LoadOptions::default()
        };
        let variables = Variables::new(&options, Path::new("/srv/s1"), BTreeMap::new());
        let found = variables.resolve("oauth.client.id").unwrap_or_default();
        assert_eq!(found, expected, "{environment:?}");
    }
}

fn defined(pairs: &[(&str, &str)]) -> Variables {
    let mut variables = Variables::new(
        &LoadOptions::default(),
        Path::new("/srv/s1"),
        BTreeMap::new(),
    );
    for (name, value) in pairs {
        variables.define(name, value, None);
    }
    variables
}

#[test]
fn expand_replaces_several_references_in_one_value() {
    let variables = defined(&[("host", "h"), ("port", "80")]);
    let expansion = variables.expand("https://${host}:${port}/x", &[]);
    assert_eq!(expansion.text, "https://h:80/x");
    assert!(expansion.problems.is_empty());
}

#[test]
fn expand_follows_nested_references() {
    let variables = defined(&[
        ("url", "https://${host}:${port}"),
        ("host", "${domain}"),
        ("domain", "d.test"),
        ("port", "443"),
    ]);
    let expansion = variables.expand("${url}/token", &[]);
    assert_eq!(expansion.text, "https://d.test:443/token");
    assert!(expansion.problems.is_empty());
}

#[test]
fn expand_the_last_definition_wins() {
    let variables = defined(&[("a", "first"), ("a", "second")]);
    assert_eq!(variables.expand("${a}", &[]).text, "second");
}

#[test]
fn expand_reports_a_cycle_and_keeps_the_text() {
    let variables = defined(&[("a", "x${b}"), ("b", "${c}"), ("c", "${a}")]);
    let expansion = variables.expand("v=${a}", &[]);
    assert_eq!(expansion.text, "v=x${a}");
    assert_eq!(
        expansion.problems,
        vec![ExpansionProblem::Cycle {
            chain: vec!["a".into(), "b".into(), "c".into(), "a".into()],
            reference: 0
        }]
    );
}

#[test]
fn expand_self_reference_is_a_cycle() {
    let variables = defined(&[("a", "${a}")]);
    let expansion = variables.expand("${a}", &[]);
    assert!(matches!(
        expansion.problems[..],
        [ExpansionProblem::Cycle { .. }]
    ));
}

#[test]
fn expand_stops_at_the_depth_limit() {
    let mut pairs: Vec<(String, String)> = (0..11)
        .map(|i| (format!("v{i}"), format!("${{v{}}}", i + 1)))
        .collect();
    pairs.push(("v11".into(), "end".into()));
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();

    let deep = defined(&borrowed).expand("${v0}", &[]);
    assert!(
        matches!(deep.problems[..], [ExpansionProblem::TooDeep { .. }]),
        "{:?}",
        deep.problems
    );

    let allowed = defined(&borrowed).expand("${v2}", &[]);
    assert_eq!(allowed.text, "end");
    assert!(allowed.problems.is_empty());
}

#[test]
fn expand_undefined_reference_stays_literal() {
    let expansion = defined(&[("a", "1")]).expand("${a}-${missing}-${a}", &[]);
    assert_eq!(expansion.text, "1-${missing}-1");
    assert_eq!(
        expansion.problems,
        vec![ExpansionProblem::Undefined {
            name: "missing".into(),
            via: vec![],
            reference: 1
        }]
    );
}

#[test]
fn expand_placeholders_are_left_without_a_problem() {
    let expansion = defined(&[]).expand(
        "grant_type=password&username=${userid}&password=${password}",
        &["userid", "password"],
    );
    assert_eq!(
        expansion.text,
        "grant_type=password&username=${userid}&password=${password}"
    );
    assert!(expansion.problems.is_empty());
}

#[test]
fn expand_text_that_is_not_a_reference_is_kept() {
    let variables = defined(&[("a", "1")]);
    for text in ["$", "${", "${}", "$a", "${a", "{a}", "$${a}"] {
        let expected = if text == "$${a}" { "$1" } else { text };
        assert_eq!(variables.expand(text, &[]).text, expected, "{text}");
    }
}

#[test]
fn arithmetic_is_evaluated_left_to_right() {
    let variables = defined(&[("base", "9000"), ("offset", "${two}"), ("two", "2")]);
    let cases = [
        ("${base+80}", "9080"),
        ("${base + offset}", "9002"),
        ("${2+3*4}", "20"),
        ("${10-4-3}", "3"),
        ("${7/2}", "3"),
        ("${base/offset*3}", "13500"),
    ];
    for (text, expected) in cases {
        let expansion = variables.expand(text, &[]);
        assert_eq!(expansion.text, expected, "{text}");
        assert!(
            expansion.problems.is_empty(),
            "{text}: {:?}",
            expansion.problems
        );
    }
}

#[test]
fn arithmetic_is_not_used_when_the_whole_text_is_a_name() {
    let variables = defined(&[("a-b", "named"), ("a", "5"), ("b", "1")]);
    assert_eq!(variables.expand("${a-b}", &[]).text, "named");
}

#[test]
fn arithmetic_errors_keep_the_text() {
    let variables = defined(&[("word", "abc")]);
    for text in ["${1/0}", "${word+1}", "${9223372036854775807+1}"] {
        let expansion = variables.expand(text, &[]);
        assert_eq!(expansion.text, text);
        assert!(
            matches!(
                expansion.problems[..],
                [ExpansionProblem::Arithmetic { .. }]
            ),
            "{text}: {:?}",
            expansion.problems
        );
    }
}

#[test]
fn arithmetic_with_an_undefined_operand_is_an_undefined_reference() {
    let expansion = defined(&[]).expand("${missing+1}", &[]);
    assert_eq!(expansion.text, "${missing+1}");
    assert!(matches!(
        expansion.problems[..],
        [ExpansionProblem::Undefined { .. }]
    ));
}

#[test]
fn variables_debug_shows_names_not_values() {
    let options = LoadOptions {
        command_line_vars: map(&[("cli.secret", "cli-value-1")]),
        environment: map(&[("ENV_SECRET", "env-value-2")]),
        ..LoadOptions::default()
    };
    let mut variables = Variables::new(
        &options,
        Path::new("/srv/s1"),
        map(&[("boot.secret", "boot-value-3")]),
    );
    variables.define("pw", "variable-value-4", None);
    variables.define_default("fallback", "default-value-5", None);

    let debug = format!("{variables:?}");

    for name in ["cli.secret", "ENV_SECRET", "boot.secret", "pw", "fallback"] {
        assert!(debug.contains(name), "{name} missing from {debug}");
    }
    for value in [
        "cli-value-1",
        "env-value-2",
        "boot-value-3",
        "variable-value-4",
        "default-value-5",
    ] {
        assert!(!debug.contains(value), "{value} shown in {debug}");
    }
}

/// Variables `v0`..`v{levels-1}` where each value is `${next}${next}`, and a
/// last variable holding `leaf`, so `${v0}` doubles `levels` times.
fn doubling(levels: usize, leaf: &str, options: &LoadOptions) -> Variables {
    let mut variables = Variables::new(options, Path::new("/srv/s1"), BTreeMap::new());
    for level in 0..levels {
        let next = level + 1;
        variables.define(
            &format!("v{level}"),
            &format!("${{v{next}}}${{v{next}}}"),
            None,
        );
    }
    variables.define(&format!("v{levels}"), leaf, None);
    variables
}

#[test]
fn expand_stops_before_the_text_outgrows_the_size_limit() {
    let mut options = LoadOptions::default();
    options.limits.max_file_size = 64 * 1024;
    let leaf = "x".repeat(1000);
    let variables = doubling(9, &leaf, &options);

    let expansion = variables.expand("a=${v0};", &[]);

    assert_eq!(expansion.text, "a=${v0};");
    assert_eq!(
        expansion.problems,
        vec![ExpansionProblem::TooLarge {
            name: "v0".into(),
            max: 64 * 1024,
            reference: 0
        }]
    );
}

#[test]
fn expand_within_the_size_limit_keeps_the_whole_text() {
    let variables = doubling(6, "ab", &LoadOptions::default());
    let expansion = variables.expand("${v0}", &[]);
    assert_eq!(expansion.text, "ab".repeat(64));
    assert!(expansion.problems.is_empty());
}

#[test]
fn expand_reports_a_problem_inside_a_variable_once_not_once_per_path() {
    let variables = doubling(11, "end", &LoadOptions::default());
    let expansion = variables.expand("${v0}", &[]);
    assert!(
        matches!(expansion.problems[..], [ExpansionProblem::TooDeep { .. }]),
        "{:?}",
        expansion.problems
    );
}

#[test]
fn expand_reports_an_undefined_name_inside_a_variable_once() {
    let variables = doubling(5, "${missing}", &LoadOptions::default());
    let expansion = variables.expand("${v0}", &[]);
    assert_eq!(expansion.text, "${missing}".repeat(32));
    assert_eq!(expansion.problems.len(), 1, "{:?}", expansion.problems);
}

#[test]
fn arithmetic_accepts_signed_operands() {
    let variables = defined(&[]);
    assert_eq!(variables.expand("${-5*2}", &[]).text, "-10");
    assert_eq!(variables.expand("${7/-1}", &[]).text, "-7");
}

#[test]
fn arithmetic_overflow_of_negated_minimum_is_an_arithmetic_problem() {
    let expansion = defined(&[]).expand("${-9223372036854775808/-1}", &[]);
    assert_eq!(expansion.text, "${-9223372036854775808/-1}");
    assert!(
        matches!(
            &expansion.problems[..],
            [ExpansionProblem::Arithmetic { reason, .. }] if reason.contains("overflows")
        ),
        "{:?}",
        expansion.problems
    );
}
