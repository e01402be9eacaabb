using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace HeartRule.Engine.Loading;

/// <summary>
/// Walks the YAML tree once, checking every field against the language's rules and building the model.
/// All problems are collected rather than stopping at the first, so authors can fix a file in one pass.
/// </summary>
internal sealed partial class ScriptReader(IssueCollector issues, ISkillResolver? skills)
{
    [GeneratedRegex("^[A-Za-z0-9_]+$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex SchemePattern();

    private static readonly IReadOnlyList<string> Operators = ["==", "!=", ">", "<", ">=", "<=", "contains"];

    /// <summary>Names the engine provides to every prompt, so content may use them without declaring them.</summary>
    internal static readonly IReadOnlySet<string> SystemVariables = new HashSet<string>(StringComparer.Ordinal)
    {
        "time", "who", "user", "chat_history", "chat", "tone", "current_round", "max_rounds", "topic_content",
        "task", "exit", "output_list", "understanding_threshold", "user_name", "counsellor_name", "last_answer",
    };

    private readonly Dictionary<string, (string Path, YamlNode Node)> _actionIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Path, YamlNode Node)> _topicIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Path, YamlNode Node)> _phaseIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _definedVariables = new(StringComparer.Ordinal);
    private readonly List<(string Path, YamlNode Node, Condition Condition)> _conditions = [];
    private readonly List<(string Path, YamlNode Node, string Text, HashSet<string>[] Visible)> _texts = [];

    // What the action being read can see: names declared on its session, phase and topic, and outputs of its topic.
    private readonly HashSet<string> _sessionScope = new(StringComparer.Ordinal);
    private HashSet<string> _phaseScope = new(StringComparer.Ordinal);
    private HashSet<string> _topicScope = new(StringComparer.Ordinal);

    public Script? Read(YamlNode rootNode)
    {
        if (rootNode is not YamlMappingNode rootMap)
        {
            issues.Error("root", rootNode, IssueKinds.Structure, "A script must be a mapping with a 'session' or 'topic' key",
                "a mapping with 'session:' or 'topic:'", YamlValues.Describe(rootNode), "Start the file with 'session:' (a session) or 'topic:' (a technique)");
            return null;
        }
        var root = new MappingView(rootMap, "", issues);
        var metadata = ReadMetadata(root);
        var hasSession = root.Has("session");
        var hasTopic = root.Has("topic");
        Script? script;
        if (hasSession && hasTopic)
        {
            issues.Error("root", rootMap, IssueKinds.Structure, "A script has either 'session' or 'topic' at its root, not both",
                "one of 'session' or 'topic'", "both", "Move the technique into its own file under scripts/techniques");
            root.Get("session");
            root.Get("topic");
            script = null;
        }
        else if (hasTopic)
        {
            script = ReadTechnique(root, metadata);
        }
        else
        {
            script = ReadSession(root, metadata);
        }
        foreach (var k in rootMap.Children.Keys.OfType<YamlScalarNode>())
        {
            if (k.Value is "session" or "topic" or "metadata" or null) continue;
            issues.Warning(k.Value, k, IssueKinds.Structure, $"Root key '{k.Value}' is ignored by the engine", "session, topic or metadata", k.Value,
                Suggest.Closest(k.Value, ["session", "topic", "metadata"]) is { } c ? $"Did you mean '{c}'?" : $"Remove '{k.Value}' or move it under 'metadata'");
        }
        CheckReferences();
        return issues.Errors.Count == 0 ? script : null;
    }

    private ScriptMetadata? ReadMetadata(MappingView root)
    {
        var meta = root.Mapping("metadata");
        if (meta is null) return null;
        var m = new ScriptMetadata(meta.String("name"), ScalarText(meta, "version"), meta.String("author"), meta.String("description"));
        return m;
    }

    /// <summary>Versions are often written as plain numbers (<c>1.0</c>); accept any scalar.</summary>
    private static string? ScalarText(MappingView view, string key) => view.Get(key) is YamlScalarNode s && !YamlValues.IsNull(s) ? s.Value : view.String(key);

    private Script? ReadSession(MappingView root, ScriptMetadata? metadata)
    {
        var session = root.Mapping("session", required: true);
        if (session is null) return null;
        var id = session.String("session_id", required: true, maxLength: 100, pattern: IdPattern(), patternText: "letters, digits and '_' only (^[A-Za-z0-9_]+$)", example: "my_session");
        var name = session.String("session_name", maxLength: 200);
        var description = session.String("description", maxLength: 1000);
        var version = ScalarText(session, "version");
        var scheme = session.String("template_scheme", maxLength: 100, pattern: SchemePattern(), patternText: "letters, digits, '_' and '-' (a folder name)", example: "crisis_intervention");
        var declarations = ReadDeclarations(session);
        _sessionScope.UnionWith(declarations.Select(d => d.Name));
        var phasesNode = session.List("phases", required: true, nonEmpty: true, itemName: "phase");
        var phases = new List<PhaseDefinition>();
        if (phasesNode is not null)
        {
            for (var i = 0; i < phasesNode.Children.Count; i++)
            {
                var p = ReadPhase(phasesNode.Children[i], $"{session.Path}.phases[{i}]");
                if (p is not null) phases.Add(p);
            }
        }
        session.ReportUnknownKeys("a session");
        return id is null ? null : new Script(ScriptKind.Session, id, name ?? metadata?.Name, description ?? metadata?.Description,
            version ?? metadata?.Version, scheme, metadata, declarations, phases);
    }

    private Script? ReadTechnique(MappingView root, ScriptMetadata? metadata)
    {
        var topicNode = root.Get("topic");
        var topic = topicNode is null ? null : ReadTopic(topicNode, "topic");
        if (topic is null) return null;
        var phase = new PhaseDefinition(topic.Id, topic.Name, topic.Goal, null, null, [], [topic]);
        return new Script(ScriptKind.Technique, topic.Id, topic.Name ?? metadata?.Name, topic.Description ?? metadata?.Description,
            metadata?.Version, null, metadata, [], [phase]);
    }

    private MappingView? AsMapping(YamlNode node, string path, string what)
    {
        if (node is YamlMappingNode map) return new MappingView(map, path, issues);
        issues.Error(path, node, IssueKinds.Type, $"Each {what} must be a mapping of fields", "a mapping", YamlValues.Describe(node),
            $"Write the {what} as indented 'key: value' lines after '- '");
        return null;
    }

    private PhaseDefinition? ReadPhase(YamlNode node, string path)
    {
        var phase = AsMapping(node, path, "phase");
        if (phase is null) return null;
        var id = phase.String("phase_id", required: true, maxLength: 100, example: "opening");
        if (id is not null) RecordUnique(_phaseIds, id, phase.Child("phase_id"), phase.Get("phase_id")!, "phase_id");
        var entry = ReadCondition(phase, "entry_condition");
        _phaseScope = new HashSet<string>(StringComparer.Ordinal);
        var declarations = ReadDeclarations(phase);
        _phaseScope.UnionWith(declarations.Select(d => d.Name));
        var topicsNode = phase.List("topics", required: true, nonEmpty: true, itemName: "topic");
        var topics = new List<TopicDefinition>();
        if (topicsNode is not null)
        {
            for (var i = 0; i < topicsNode.Children.Count; i++)
            {
                var t = ReadTopic(topicsNode.Children[i], $"{path}.topics[{i}]");
                if (t is not null) topics.Add(t);
            }
        }
        var result = new PhaseDefinition(id ?? "", phase.String("phase_name", maxLength: 200), phase.String("phase_goal", maxLength: 500),
            phase.String("description", maxLength: 1000), entry, declarations, topics);
        phase.ReportUnknownKeys("a phase");
        return id is null ? null : result;
    }

    private TopicDefinition? ReadTopic(YamlNode node, string path)
    {
        var topic = AsMapping(node, path, "topic");
        if (topic is null) return null;
        var id = topic.String("topic_id", required: true, maxLength: 100, example: "intake");
        if (id is not null) RecordUnique(_topicIds, id, topic.Child("topic_id"), topic.Get("topic_id")!, "topic_id");
        _topicScope = new HashSet<string>(StringComparer.Ordinal);
        var declarations = ReadDeclarations(topic);
        _topicScope.UnionWith(declarations.Select(d => d.Name));
        var actionsNode = topic.List("actions", required: true, nonEmpty: true, itemName: "action");
        var actions = new List<ActionDefinition>();
        if (actionsNode is not null)
        {
            for (var i = 0; i < actionsNode.Children.Count; i++)
            {
                var a = ReadAction(actionsNode.Children[i], $"{path}.actions[{i}]");
                if (a is not null) actions.Add(a);
            }
        }
        var result = new TopicDefinition(id ?? "", topic.String("topic_name", maxLength: 200), topic.String("topic_goal", maxLength: 500),
            topic.String("description", maxLength: 1000), topic.String("strategy", maxLength: 2000), declarations, actions);
        // Techniques carry free descriptive metadata about their parameters; tolerate it.
        foreach (var extra in new[] { "technique_id", "input_parameters", "output_variables", "metadata" }) topic.Get(extra);
        topic.ReportUnknownKeys("a topic");
        return id is null ? null : result;
    }

    private List<VariableDeclaration> ReadDeclarations(MappingView owner)
    {
        var list = owner.List("declare", itemName: "declaration");
        var result = new List<VariableDeclaration>();
        if (list is null) return result;
        for (var i = 0; i < list.Children.Count; i++)
        {
            var d = AsMapping(list.Children[i], $"{owner.Child("declare")}[{i}]", "declaration");
            if (d is null) continue;
            var name = VariableNameField(d, "var");
            var define = d.String("define");
            var valueNode = d.Get("value");
            d.ReportUnknownKeys("a declaration");
            if (name is null) continue;
            _definedVariables.Add(name);
            result.Add(new VariableDeclaration(name, define, valueNode is null ? null : YamlValues.ToJson(valueNode)));
        }
        return result;
    }

    private string? VariableNameField(MappingView view, string key)
    {
        var name = view.String(key, required: true, maxLength: 100, pattern: Placeholders.VariableName(),
            patternText: "a name starting with a letter or '_', then letters, digits or '_'", example: "client_name");
        return name is not null && Placeholders.VariableName().IsMatch(name) ? name : null;
    }

    private Condition? ReadCondition(MappingView owner, string key)
    {
        var node = owner.Get(key);
        if (node is null || YamlValues.IsNull(node)) return null;
        if (node is not YamlScalarNode s)
        {
            issues.Error(owner.Child(key), node, IssueKinds.Type, $"'{key}' must be an expression written as text", "an expression such as: score >= 5 and mood != \"calm\"",
                YamlValues.Describe(node), $"Write '{key}: <expression>' on one line");
            return null;
        }
        if (Condition.TryParse(s.Value ?? "", out var condition, out var error))
        {
            _conditions.Add((owner.Child(key), node, condition!));
            return condition;
        }
        issues.Error(owner.Child(key), node, IssueKinds.Syntax, $"Invalid expression in '{key}': {error!.Message} (at character {error.Position + 1})",
            "comparisons (== != > < >= <= contains) joined with and / or / not", s.Value,
            "Quote text values (\"calm\"), compare with '==', and balance parentheses");
        return null;
    }

    private ActionDefinition? ReadAction(YamlNode node, string path)
    {
        var action = AsMapping(node, path, "action");
        if (action is null) return null;
        var typeNode = action.Get("action_type");
        var type = action.String("action_type", required: true, example: "ai_say");
        if (type is not null && !ActionTypes.All.Contains(type))
        {
            var close = Suggest.Closest(type, ActionTypes.All);
            issues.Error(action.Child("action_type"), typeNode, IssueKinds.Enum, $"Unknown action_type '{type}'",
                string.Join(", ", ActionTypes.All), type, close is null ? "Use one of the listed action types" : $"Did you mean '{close}'?");
            type = null;
        }
        var id = action.String("action_id", required: true, maxLength: 100, example: "ask_name");
        if (id is not null) RecordUnique(_actionIds, id, action.Child("action_id"), action.Get("action_id")!, "action_id");
        var condition = ReadCondition(action, "condition");
        var configView = action.Mapping("config", required: true);
        ActionConfig? config = null;
        if (configView is not null && type is not null)
        {
            config = type switch
            {
                ActionTypes.AiSay => ReadAiSay(configView),
                ActionTypes.AiAsk => ReadAiAsk(configView),
                ActionTypes.AiThink => ReadAiThink(configView),
                _ => ReadUseSkill(configView),
            };
            configView.ReportUnknownKeys($"{type} config", DeprecatedFields.ActionConfig);
        }
        var misplaced = DeprecatedFields.ConfigFields.ToDictionary(f => f,
            f => (IssueKinds.Structure, $"'{f}' belongs under 'config'", $"Move '{f}' into the action's 'config' mapping"));
        foreach (var (k, v) in DeprecatedFields.ActionConfig) misplaced[k] = v;
        action.ReportUnknownKeys("an action", misplaced);
        return type is null || id is null || config is null ? null : new ActionDefinition(type, id, condition, config);
    }

    private string? Content(MappingView config)
    {
        var content = config.String("content", required: true, example: "\"Welcome the client warmly.\"");
        if (content is not null) _texts.Add((config.Child("content"), config.Get("content")!, content, VisibleScopes()));
        return content;
    }

    private AiSayConfig? ReadAiSay(MappingView c)
    {
        var content = Content(c);
        var tone = c.String("tone");
        var maxRounds = c.Int("max_rounds", 1, 10);
        var exit = c.String("exit");
        var ack = c.Bool("require_acknowledgment");
        var criteria = ReadExitCriteria(c);
        if (ack == true && maxRounds is > 1)
            issues.Warning(c.Child("require_acknowledgment"), c.Get("require_acknowledgment"), IssueKinds.Constraint,
                "'require_acknowledgment' only applies to a single-round ai_say", "max_rounds: 1", $"max_rounds: {maxRounds}",
                "Remove 'require_acknowledgment'; the client already replies between rounds");
        return content is null ? null : new AiSayConfig(content, tone, maxRounds, exit, ack, criteria);
    }

    private ExitCriteria? ReadExitCriteria(MappingView c)
    {
        var ec = c.Mapping("exit_criteria");
        if (ec is null) return null;
        var minRounds = ec.Int("min_rounds", 1, 10);
        var threshold = ec.Int("understanding_threshold", 0, 100);
        var hasQuestions = ec.Bool("has_questions");
        var customs = new List<CustomCondition>();
        var list = ec.List("custom_conditions", itemName: "condition");
        if (list is not null)
        {
            for (var i = 0; i < list.Children.Count; i++)
            {
                var cc = AsMapping(list.Children[i], $"{ec.Child("custom_conditions")}[{i}]", "custom condition");
                if (cc is null) continue;
                var variable = VariableNameField(cc, "variable");
                var opNode = cc.Get("operator");
                var op = cc.String("operator", required: true, example: "==");
                if (op is not null && !Operators.Contains(op))
                {
                    issues.Error(cc.Child("operator"), opNode, IssueKinds.Enum, $"Unknown operator '{op}'", string.Join(" ", Operators), op,
                        Suggest.Closest(op, Operators) is { } s ? $"Did you mean '{s}'?" : "Use one of the listed operators");
                    op = null;
                }
                var valueNode = cc.Get("value");
                if (valueNode is null)
                    issues.Error(cc.Child("value"), cc.Node, IssueKinds.Required, "'value' is required", "a value to compare with", "missing", "Add 'value: …'");
                cc.ReportUnknownKeys("a custom condition");
                if (variable is not null)
                {
                    _conditionVariables.Add((cc.Child("variable"), cc.Get("variable")!, variable));
                }
                if (variable is not null && op is not null && valueNode is not null)
                    customs.Add(new CustomCondition(variable, op, YamlValues.ToJson(valueNode)));
            }
        }
        ec.ReportUnknownKeys("exit_criteria");
        return new ExitCriteria(minRounds, threshold, hasQuestions, customs);
    }

    private readonly List<(string Path, YamlNode Node, string Name)> _conditionVariables = [];

    private AiAskConfig? ReadAiAsk(MappingView c)
    {
        var content = Content(c);
        var tone = c.String("tone");
        var exit = c.String("exit");
        var maxRounds = c.Int("max_rounds", 1, 10);
        var output = ReadOutputs(c);
        return content is null ? null : new AiAskConfig(content, tone, exit, maxRounds, output);
    }

    private AiThinkConfig? ReadAiThink(MappingView c)
    {
        var content = Content(c);
        var output = ReadOutputs(c);
        if (output.Count == 0 && !c.Has("output"))
            issues.Warning(c.Child("output"), c.Node, IssueKinds.Structure, "ai_think without 'output' has no effect",
                "output: [{get, define}]", "missing", "Add the variables the analysis should produce");
        return content is null ? null : new AiThinkConfig(content, output);
    }

    private List<OutputField> ReadOutputs(MappingView c)
    {
        var result = new List<OutputField>();
        var list = c.List("output", itemName: "output field");
        if (list is null) return result;
        for (var i = 0; i < list.Children.Count; i++)
        {
            var o = AsMapping(list.Children[i], $"{c.Child("output")}[{i}]", "output field");
            if (o is null) continue;
            var get = VariableNameField(o, "get");
            var define = o.String("define");
            o.ReportUnknownKeys("an output field");
            if (get is null) continue;
            _definedVariables.Add(get);
            _topicScope.Add(get);
            result.Add(new OutputField(get, define));
        }
        return result;
    }

    private UseSkillConfig? ReadUseSkill(MappingView c)
    {
        var skillNode = c.Get("skill");
        var skill = c.String("skill", required: true, example: "breathing_exercise");
        var inputs = new List<InputBinding>();
        var inList = c.List("input", itemName: "input binding");
        if (inList is not null)
        {
            for (var i = 0; i < inList.Children.Count; i++)
            {
                var b = AsMapping(inList.Children[i], $"{c.Child("input")}[{i}]", "input binding");
                if (b is null) continue;
                var set = VariableNameField(b, "set");
                var valueNode = b.Get("value");
                if (valueNode is null)
                    issues.Error(b.Child("value"), b.Node, IssueKinds.Required, "'value' is required", "a value or a {placeholder}", "missing", "Add 'value: \"{some_variable}\"'");
                else if (valueNode is YamlScalarNode vs && !YamlValues.IsNull(vs))
                    _texts.Add((b.Child("value"), valueNode, vs.Value ?? "", VisibleScopes()));
                b.ReportUnknownKeys("an input binding");
                if (set is not null && valueNode is not null) inputs.Add(new InputBinding(set, YamlValues.ToJson(valueNode)));
            }
        }
        var outputs = new List<string>();
        var outList = c.List("output", itemName: "output field");
        if (outList is not null)
        {
            for (var i = 0; i < outList.Children.Count; i++)
            {
                var o = AsMapping(outList.Children[i], $"{c.Child("output")}[{i}]", "output field");
                if (o is null) continue;
                var get = VariableNameField(o, "get");
                o.Get("define");
                o.ReportUnknownKeys("a use_skill output field");
                if (get is null) continue;
                _definedVariables.Add(get);
                _topicScope.Add(get);
                outputs.Add(get);
            }
        }
        if (skill is not null && skills is not null) CheckSkill(c, skill, skillNode!, inputs, outputs);
        return skill is null ? null : new UseSkillConfig(skill, inputs, outputs);
    }

    private void CheckSkill(MappingView c, string skillId, YamlNode skillNode, List<InputBinding> inputs, List<string> outputs)
    {
        var technique = skills!.Resolve(skillId);
        if (technique is null)
        {
            issues.Error(c.Child("skill"), skillNode, IssueKinds.Reference, $"Unknown skill '{skillId}'", "the topic_id of a technique script",
                skillId, "Check the spelling, or add a technique script with this topic_id under scripts/techniques");
            return;
        }
        var produced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in technique.AllActions())
        {
            switch (a.Config)
            {
                case AiAskConfig ask: produced.UnionWith(ask.Output.Select(o => o.Get)); break;
                case AiThinkConfig think: produced.UnionWith(think.Output.Select(o => o.Get)); break;
                case UseSkillConfig use: produced.UnionWith(use.Output); break;
            }
        }
        var declared = technique.Topic!.Declarations.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        produced.UnionWith(declared);
        foreach (var o in outputs.Where(o => !produced.Contains(o)))
            issues.Warning(c.Child("output"), c.Get("output"), IssueKinds.Reference, $"Skill '{skillId}' never sets '{o}'",
                string.Join(", ", produced.Order(StringComparer.Ordinal)), o, "Copy back a variable the skill declares or outputs");
        foreach (var i in inputs.Where(i => !declared.Contains(i.Set)))
            issues.Warning(c.Child("input"), c.Get("input"), IssueKinds.Reference, $"Skill '{skillId}' does not declare the input '{i.Set}'",
                string.Join(", ", declared.Order(StringComparer.Ordinal)), i.Set, "Declare the input under the technique topic's 'declare'");
    }

    private HashSet<string>[] VisibleScopes() => [_sessionScope, _phaseScope, _topicScope];

    private void RecordUnique(Dictionary<string, (string Path, YamlNode Node)> seen, string id, string path, YamlNode node, string field)
    {
        if (seen.TryGetValue(id, out var first))
        {
            issues.Error(path, node, IssueKinds.Constraint, $"Duplicate {field} '{id}' (first used at {first.Path}, line {first.Node.Start.Line})",
                $"a unique {field}", id, $"Rename one of them, e.g. '{id}_2'");
            return;
        }
        seen[id] = (path, node);
    }

    private void CheckReferences()
    {
        foreach (var (path, node, condition) in _conditions)
        {
            foreach (var name in condition.Variables.Where(n => !_definedVariables.Contains(n)))
                issues.Error(path, node, IssueKinds.Reference, $"The condition uses '{name}', which no declare, output or skill output defines",
                    "a declared or extracted variable", name, Suggest.Closest(name, _definedVariables) is { } s
                        ? $"Did you mean '{s}'?" : $"Declare it ('declare: [{{var: {name}}}]' on the session) or extract it with an output");
        }
        foreach (var (path, node, name) in _conditionVariables.Where(v => !_definedVariables.Contains(v.Name)))
            issues.Error(path, node, IssueKinds.Reference, $"The exit criterion uses '{name}', which no declare, output or skill output defines",
                "a declared or extracted variable", name, Suggest.Closest(name, _definedVariables) is { } s ? $"Did you mean '{s}'?" : $"Declare '{name}' or extract it with an output");
        foreach (var (path, node, text, visible) in _texts)
        {
            foreach (var name in Placeholders.Names(text).Distinct(StringComparer.Ordinal)
                         .Where(n => _definedVariables.Contains(n) && !visible.Any(v => v.Contains(n))))
                issues.Warning(path, node, IssueKinds.Reference,
                    $"'{{{name}}}' is set in another topic, and topic variables are not visible here; it stays as written unless supplied at run time",
                    "a variable declared on this topic, its phase or the session", name,
                    $"Declare '{name}' on the phase or session ('declare: [{{var: {name}}}]') so every topic can read it");
            foreach (var name in Placeholders.Names(text).Distinct(StringComparer.Ordinal)
                         .Where(n => !_definedVariables.Contains(n) && !SystemVariables.Contains(n)))
                issues.Warning(path, node, IssueKinds.Reference, $"'{{{name}}}' does not match any declared or extracted variable; it stays as written unless supplied at run time",
                    "a declared or extracted variable", name, Suggest.Closest(name, _definedVariables) is { } s ? $"Did you mean '{s}'?" : $"Declare '{name}' or pass it as an initial variable");
        }
    }
}
