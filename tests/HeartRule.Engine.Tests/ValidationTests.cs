namespace HeartRule.Engine.Tests;

public class ValidationTests
{
    private static ScriptIssue SingleError(string yaml, ISkillResolver? skills = null)
    {
        var result = ScriptLoader.Load(yaml, skills);
        Assert.Null(result.Script);
        Assert.False(result.IsValid);
        return Assert.Single(result.Errors);
    }

    private const string Valid = """
        session:
          session_id: demo
          phases:
            - phase_id: p1
              topics:
                - topic_id: t1
                  actions:
                    - action_type: ai_say
                      action_id: hello
                      config:
                        content: Hello
        """;

    [Fact]
    public void A_minimal_script_is_valid()
    {
        var result = ScriptLoader.Load(Valid);
        Assert.True(result.IsValid);
        Assert.Empty(result.Warnings);
        var action = Assert.Single(result.Script!.AllActions());
        Assert.Equal("Hello", Assert.IsType<AiSayConfig>(action.Config).Content);
    }

    [Fact]
    public void Syntax_error_reports_line_and_column_instead_of_throwing()
    {
        var e = SingleError("session:\n  session_id: demo\n  phases: [\n    - phase_id: p1\n");
        Assert.Equal(IssueKinds.Syntax, e.Kind);
        Assert.Equal("root", e.Path);
        Assert.NotNull(e.Line);
        Assert.True(e.Line >= 3, $"line {e.Line}");
        Assert.NotNull(e.Suggestion);
    }

    [Fact]
    public void Tab_indentation_is_a_syntax_error_that_names_the_tab()
    {
        var e = SingleError("session:\n  session_id: demo\n\tphases: []\n");
        Assert.Equal(IssueKinds.Syntax, e.Kind);
        Assert.Equal((2, 15), (e.Line, e.Column));
        Assert.Contains("tab", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Empty_file_is_reported()
    {
        var e = SingleError("   \n");
        Assert.Equal(IssueKinds.Required, e.Kind);
    }

    [Fact]
    public void Type_error_has_path_line_and_column()
    {
        var e = SingleError(Valid.Replace("content: Hello", "content: Hello\n                max_rounds: many"));
        Assert.Equal((IssueKinds.Type, "session.phases[0].topics[0].actions[0].config.max_rounds", 12, 29), (e.Kind, e.Path, e.Line, e.Column));
        Assert.Equal("text \"many\"", e.Actual);
    }

    [Fact]
    public void Missing_required_field_points_at_its_parent()
    {
        var e = SingleError(Valid.Replace("              action_id: hello\n", ""));
        Assert.Equal((IssueKinds.Required, "session.phases[0].topics[0].actions[0].action_id", 8, 15), (e.Kind, e.Path, e.Line, e.Column));
        Assert.Equal("missing", e.Actual);
    }

    [Fact]
    public void Unknown_action_type_is_an_enum_error_with_a_suggestion()
    {
        var e = SingleError(Valid.Replace("action_type: ai_say", "action_type: ai_sya"));
        Assert.Equal((IssueKinds.Enum, "session.phases[0].topics[0].actions[0].action_type", 8, 28), (e.Kind, e.Path, e.Line, e.Column));
        Assert.Equal("Did you mean 'ai_say'?", e.Suggestion);
        Assert.Equal("ai_say, ai_ask, ai_think, use_skill", e.Expected);
    }

    [Fact]
    public void Out_of_range_max_rounds_is_a_constraint_error()
    {
        var e = SingleError(Valid.Replace("content: Hello", "content: Hello\n                max_rounds: 11"));
        Assert.Equal((IssueKinds.Constraint, "session.phases[0].topics[0].actions[0].config.max_rounds", 12, 29), (e.Kind, e.Path, e.Line, e.Column));
        Assert.Equal("1–10", e.Expected);
    }

    [Fact]
    public void Session_id_pattern_is_enforced()
    {
        var e = SingleError(Valid.Replace("session_id: demo", "session_id: my demo"));
        Assert.Equal((IssueKinds.Constraint, "session.session_id", 2, 15), (e.Kind, e.Path, e.Line, e.Column));
    }

    [Fact]
    public void Empty_phases_is_a_constraint_error()
    {
        var e = SingleError("session:\n  session_id: demo\n  phases: []\n");
        Assert.Equal((IssueKinds.Constraint, "session.phases", 3, 11), (e.Kind, e.Path, e.Line, e.Column));
    }

    [Fact]
    public void Unknown_field_is_a_structure_error_with_did_you_mean()
    {
        var e = SingleError(Valid.Replace("content: Hello", "content: Hello\n                tonne: warm"));
        Assert.Equal((IssueKinds.Structure, "session.phases[0].topics[0].actions[0].config.tonne", 12, 17), (e.Kind, e.Path, e.Line, e.Column));
        Assert.Equal("Did you mean 'tone'?", e.Suggestion);
    }

    [Fact]
    public void Config_field_on_the_action_itself_is_a_structure_error()
    {
        var e = SingleError(Valid.Replace("              config:\n", "              tone: warm\n              config:\n"));
        Assert.Equal((IssueKinds.Structure, "session.phases[0].topics[0].actions[0].tone", 10, 15), (e.Kind, e.Path, e.Line, e.Column));
        Assert.Contains("config", e.Suggestion);
    }

    [Theory]
    [InlineData("ai_say", "content_template", "'content'", "content")]
    [InlineData("ai_ask", "question_template", "'content'", "content")]
    [InlineData("ai_ask", "target_variable", "output", null)]
    [InlineData("ai_ask", "extraction_prompt", "output", null)]
    [InlineData("ai_ask", "required", "Remove 'required'", null)]
    [InlineData("ai_think", "prompt_template", "'content'", "content")]
    [InlineData("use_skill", "skill_name", "'skill'", "skill")]
    public void Deprecated_fields_are_rejected_with_the_replacement(string type, string field, string hint, string? rename)
    {
        var yaml = Valid.Replace("action_type: ai_say", $"action_type: {type}").Replace("content: Hello", $"content: Hello\n                {field}: x");
        var result = ScriptLoader.Load(yaml);
        var e = Assert.Single(result.Errors, e => e.Kind == IssueKinds.Deprecated);
        Assert.Equal((IssueKinds.Deprecated, $"session.phases[0].topics[0].actions[0].config.{field}", 12, 17), (e.Kind, e.Path, e.Line, e.Column));
        Assert.Contains(hint, e.Suggestion);
        // A plain rename names the new field, in every language alike: what an editor's one-click fix writes.
        Assert.Equal((rename, field), (e.Expected, e.Actual));
        Assert.Equal(rename, Assert.Single(ScriptLoader.Load(yaml, locale: "zh-CN").Errors, e => e.Kind == IssueKinds.Deprecated).Expected);
    }

    [Fact]
    public void Duplicate_action_ids_are_reported_with_the_first_location()
    {
        var yaml = Valid + "\n            - action_type: ai_say\n              action_id: hello\n              config:\n                content: Again\n";
        var e = SingleError(yaml);
        Assert.Equal((IssueKinds.Constraint, "session.phases[0].topics[0].actions[1].action_id", 13, 26), (e.Kind, e.Path, e.Line, e.Column));
        Assert.Contains("actions[0]", e.Message);
    }

    [Fact]
    public void Bad_condition_expression_is_reported_at_the_condition()
    {
        var e = SingleError(Valid.Replace("              config:\n", "              condition: score >\n              config:\n"));
        Assert.Equal((IssueKinds.Syntax, "session.phases[0].topics[0].actions[0].condition", 10, 26), (e.Kind, e.Path, e.Line, e.Column));
    }

    [Fact]
    public void A_condition_of_100000_parentheses_is_a_located_error_not_a_crash()
    {
        var e = SingleError(Valid.Replace("              config:\n", $"              condition: \"{new string('(', 100_000)}score > 1\"\n              config:\n"));

        Assert.Equal((IssueKinds.Syntax, "session.phases[0].topics[0].actions[0].condition", 10, 26), (e.Kind, e.Path, e.Line, e.Column));
        Assert.Contains("nest more than 32 deep (at character 33)", e.Message);
    }

    [Fact]
    public void Undefined_variable_in_condition_is_a_reference_error()
    {
        var e = SingleError(Valid.Replace("              config:\n", "              condition: mood == \"low\"\n              config:\n"));
        Assert.Equal((IssueKinds.Reference, "session.phases[0].topics[0].actions[0].condition", 10, 26), (e.Kind, e.Path, e.Line, e.Column));
        Assert.Equal("mood", e.Actual);
    }

    [Fact]
    public void Unknown_skill_is_a_reference_error_when_a_resolver_is_given()
    {
        var yaml = Valid.Replace("action_type: ai_say", "action_type: use_skill").Replace("content: Hello", "skill: no_such_skill");
        var e = SingleError(yaml, new InMemorySkillResolver([]));
        Assert.Equal((IssueKinds.Reference, "session.phases[0].topics[0].actions[0].config.skill", 11, 24), (e.Kind, e.Path, e.Line, e.Column));
    }

    [Fact]
    public void Unresolved_placeholder_is_a_warning_not_an_error()
    {
        var result = ScriptLoader.Load(Valid.Replace("content: Hello", "content: Hello {nme}"));
        Assert.True(result.IsValid);
        var w = Assert.Single(result.Warnings);
        Assert.Equal((IssueKinds.Reference, "session.phases[0].topics[0].actions[0].config.content", 11, 26), (w.Kind, w.Path, w.Line, w.Column));
        Assert.Equal("nme", w.Actual);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var yaml = """
            session:
              session_id: bad id
              phases:
                - phase_id: p1
                  topics:
                    - topic_id: t1
                      actions:
                        - action_type: ai_ask
                          action_id: a1
                          config:
                            max_rounds: 0
                        - action_type: shout
                          action_id: a2
                          config: {}
            """;
        var result = ScriptLoader.Load(yaml);
        Assert.Equal(
            [IssueKinds.Constraint, IssueKinds.Required, IssueKinds.Constraint, IssueKinds.Enum],
            result.Errors.Select(e => e.Kind));
        Assert.Equal(
            ["session.session_id", "session.phases[0].topics[0].actions[0].config.content",
             "session.phases[0].topics[0].actions[0].config.max_rounds", "session.phases[0].topics[0].actions[1].action_type"],
            result.Errors.Select(e => e.Path));
    }

    [Fact]
    public void Technique_scripts_load_from_the_topic_root()
    {
        var result = ScriptLoader.Load(TestScripts.ReadSample("techniques/breathing_exercise.yaml"));
        Assert.True(result.IsValid);
        Assert.Equal(ScriptKind.Technique, result.Script!.Kind);
        Assert.Equal("breathing_exercise", result.Script.Id);
        Assert.Equal(2, result.Script.Topic!.Actions.Count);
    }

    [Fact]
    public void A_file_with_both_roots_is_a_structure_error()
    {
        var e = SingleError("session:\n  session_id: a\ntopic:\n  topic_id: b\n");
        Assert.Equal((IssueKinds.Structure, "root", 1, 1), (e.Kind, e.Path, e.Line, e.Column));
    }

    [Theory]
    [InlineData("sessions/intake.yaml")]
    [InlineData("sessions/sleep_support.yaml")]
    [InlineData("sessions/understanding_thoughts.yaml")]
    [InlineData("sessions/loadtest.yaml")]
    [InlineData("sessions/intake_zh.yaml")]
    [InlineData("sessions/understanding_thoughts_zh.yaml")]
    public void Sample_scripts_validate_cleanly_with_the_technique_folder(string file)
    {
        var skills = InMemorySkillResolver.FromDirectory(Path.Combine(TestScripts.RepoRoot, "scripts", "techniques"), out var problems);
        Assert.Empty(problems);
        var result = ScriptLoader.Load(TestScripts.ReadSample(file), skills);
        Assert.True(result.IsValid, string.Join("\n", result.Errors.Select(e => e.Message)));
        Assert.Empty(result.Warnings);
    }
}

public class LoaderRobustnessTests
{
    [Theory]
    [InlineData("session: [1, 2]")]
    [InlineData("session: just text")]
    [InlineData("- a\n- b")]
    [InlineData("just a scalar")]
    [InlineData("session:\n  session_id: a\n  session_id: b\n")]
    [InlineData("session:\n  ? [complex, key]\n  : value\n  session_id: x\n  phases: [ { phase_id: p, topics: [ { topic_id: t, actions: [ { action_type: ai_say, action_id: a, config: { content: c, ? [k] : v } } ] } ] } ]")]
    [InlineData("session:\n  session_id: &id x\n  phases:\n    - *id\n    - null\n    - phase_id: p\n      topics: [ null, 3 ]")]
    [InlineData("session: { session_id: x, phases: [ { phase_id: p, topics: [ { topic_id: t, actions: [ null, [], { action_type: [x], action_id: {a: b}, config: [] } ] } ] } ] }")]
    [InlineData("session: { session_id: x, phases: [ { phase_id: p, topics: [ { topic_id: t, actions: [ { action_type: ai_ask, action_id: a, config: { content: q, output: [ null, { get: 1x }, { get: ok, define: [list] } ], max_rounds: 99999999999999999999 } } ] } ] } ] }")]
    [InlineData("\u0000\u0001binary")]
    [InlineData("{{{{")]
    [InlineData("topic: null")]
    public void Odd_input_is_reported_never_thrown(string yaml)
    {
        var result = ScriptLoader.Load(yaml);
        Assert.False(result.IsValid);
        Assert.NotEmpty(result.Errors);
        Assert.All(result.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }
}

public class ScopeWarningTests
{
    [Fact]
    public void A_placeholder_for_another_topics_variable_warns_with_the_fix()
    {
        var yaml = """
            session:
              session_id: s
              phases:
                - phase_id: p
                  topics:
                    - topic_id: t1
                      actions:
                        - { action_type: ai_ask, action_id: a, config: { content: Name?, output: [ { get: name } ] } }
                    - topic_id: t2
                      actions:
                        - { action_type: ai_say, action_id: b, config: { content: "Hi {name}" } }
            """;
        var result = ScriptLoader.Load(yaml);
        Assert.True(result.IsValid);
        var w = Assert.Single(result.Warnings);
        Assert.Equal((IssueKinds.Reference, "session.phases[0].topics[1].actions[0].config.content", 11, 71), (w.Kind, w.Path, w.Line, w.Column));
        Assert.Contains("Declare 'name' on the phase or session", w.Suggestion);

        var fixedYaml = yaml.Replace("  phases:", "  declare: [ { var: name } ]\n  phases:");
        Assert.Empty(ScriptLoader.Load(fixedYaml).Warnings);
    }
}
