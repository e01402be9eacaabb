using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HeartRule.Localization;
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
        "task", "exit", "output_list", "understanding_threshold", "user_name", "counsellor_name", "last_answer", "language",
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
            issues.Error("root", rootNode, IssueKinds.Structure, issues.T("validation.rootNotMapping"),
                issues.T("validation.expected.rootMapping"), issues.Describe(rootNode), issues.T("validation.startWithSessionOrTopic"));
            return null;
        }
        var root = new MappingView(rootMap, "", issues);
        var metadata = ReadMetadata(root);
        var hasSession = root.Has("session");
        var hasTopic = root.Has("topic");
        Script? script;
        if (hasSession && hasTopic)
        {
            issues.Error("root", rootMap, IssueKinds.Structure, issues.T("validation.sessionAndTopic"),
                issues.T("validation.expected.sessionOrTopic"), issues.T("validation.actual.both"), issues.T("validation.moveTechnique"));
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
            issues.Warning(k.Value, k, IssueKinds.Structure, issues.T("validation.rootKeyIgnored", ("field", k.Value)), "session, topic, metadata", k.Value,
                issues.DidYouMean(k.Value, ["session", "topic", "metadata"], "validation.removeOrMoveToMetadata", ("field", k.Value)));
        }
        CheckReferences();
        return issues.Errors.Count == 0 ? script : null;
    }

    private ScriptMetadata? ReadMetadata(MappingView root)
    {
        var meta = root.Mapping("metadata");
        if (meta is null) return null;
        return new ScriptMetadata(meta.String("name"), ScalarText(meta, "version"), meta.String("author"), meta.String("description"), ReadLanguage(meta));
    }

    /// <summary><c>metadata.language</c>: the BCP 47 tag of the language the script is written in, in canonical case.</summary>
    private string? ReadLanguage(MappingView meta)
    {
        var language = meta.String("language", maxLength: Locale.MaxLength);
        if (language is null) return null;
        if (Locale.TryNormalize(language, out var tag)) return tag;
        issues.Error(meta.Child("language"), meta.Get("language"), IssueKinds.Constraint, issues.T("validation.languageTag", ("value", language)),
            issues.T("validation.expected.languageTag"), language, issues.T(Locale.Correction(language)));
        return null;
    }

    /// <summary>Versions are often written as plain numbers (<c>1.0</c>); accept any scalar.</summary>
    private static string? ScalarText(MappingView view, string key) => view.Get(key) is YamlScalarNode s && !YamlValues.IsNull(s) ? s.Value : view.String(key);

    private Script? ReadSession(MappingView root, ScriptMetadata? metadata)
    {
        var session = root.Mapping("session", required: true);
        if (session is null) return null;
        var id = session.String("session_id", required: true, maxLength: 100, pattern: IdPattern(), patternText: issues.T("validation.pattern.id"), example: "my_session");
        var name = session.String("session_name", maxLength: 200);
        var description = session.String("description", maxLength: 1000);
        var version = ScalarText(session, "version");
        var scheme = session.String("template_scheme", maxLength: 100, pattern: SchemePattern(), patternText: issues.T("validation.pattern.scheme"), example: "crisis_intervention");
        var declarations = ReadDeclarations(session);
        _sessionScope.UnionWith(declarations.Select(d => d.Name));
        var phasesNode = session.List("phases", required: true, nonEmpty: true, itemName: "item.phase");
        var phases = new List<PhaseDefinition>();
        if (phasesNode is not null)
        {
            for (var i = 0; i < phasesNode.Children.Count; i++)
            {
                var p = ReadPhase(phasesNode.Children[i], $"{session.Path}.phases[{i}]");
                if (p is not null) phases.Add(p);
            }
        }
        var crisis = ReadCrisis(session);
        var monitor = session.Bool("monitor") ?? false;
        session.ReportUnknownKeys(issues.T("what.session"));
        return id is null ? null : new Script(ScriptKind.Session, id, name ?? metadata?.Name, description ?? metadata?.Description,
            version ?? metadata?.Version, scheme, metadata, declarations, phases, crisis, monitor);
    }

    /// <summary><c>session.crisis</c>: what the client is told at once when a crisis is detected, and while the script waits.</summary>
    private CrisisProtocol? ReadCrisis(MappingView session)
    {
        var crisis = session.Mapping("crisis");
        if (crisis is null) return null;
        var message = crisis.String("message", required: true, maxLength: 4000);
        var followUp = crisis.String("follow_up", maxLength: 4000);
        crisis.ReportUnknownKeys(issues.T("what.crisis"));
        return message is null ? null : new CrisisProtocol(message, followUp);
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

    /// <param name="itemName">A catalogue key naming the item (<c>item.phase</c>).</param>
    private MappingView? AsMapping(YamlNode node, string path, string itemName)
    {
        if (node is YamlMappingNode map) return new MappingView(map, path, issues);
        var item = issues.T(itemName);
        issues.Error(path, node, IssueKinds.Type, issues.T("validation.itemNotMapping", ("item", item)), issues.T("validation.expected.mapping"), issues.Describe(node),
            issues.T("validation.writeItemFields", ("item", item)));
        return null;
    }

    private PhaseDefinition? ReadPhase(YamlNode node, string path)
    {
        var phase = AsMapping(node, path, "item.phase");
        if (phase is null) return null;
        var id = phase.String("phase_id", required: true, maxLength: 100, example: "opening");
        if (id is not null) RecordUnique(_phaseIds, id, phase.Child("phase_id"), phase.Get("phase_id")!, "phase_id");
        var entry = ReadCondition(phase, "entry_condition");
        _phaseScope = new HashSet<string>(StringComparer.Ordinal);
        var declarations = ReadDeclarations(phase);
        _phaseScope.UnionWith(declarations.Select(d => d.Name));
        var topicsNode = phase.List("topics", required: true, nonEmpty: true, itemName: "item.topic");
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
        phase.ReportUnknownKeys(issues.T("what.phase"));
        return id is null ? null : result;
    }

    private TopicDefinition? ReadTopic(YamlNode node, string path)
    {
        var topic = AsMapping(node, path, "item.topic");
        if (topic is null) return null;
        var id = topic.String("topic_id", required: true, maxLength: 100, example: "intake");
        if (id is not null) RecordUnique(_topicIds, id, topic.Child("topic_id"), topic.Get("topic_id")!, "topic_id");
        _topicScope = new HashSet<string>(StringComparer.Ordinal);
        var declarations = ReadDeclarations(topic);
        _topicScope.UnionWith(declarations.Select(d => d.Name));
        var actionsNode = topic.List("actions", required: true, nonEmpty: true, itemName: "item.action");
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
        topic.ReportUnknownKeys(issues.T("what.topic"));
        return id is null ? null : result;
    }

    private List<VariableDeclaration> ReadDeclarations(MappingView owner)
    {
        var list = owner.List("declare", itemName: "item.declaration");
        var result = new List<VariableDeclaration>();
        if (list is null) return result;
        for (var i = 0; i < list.Children.Count; i++)
        {
            var d = AsMapping(list.Children[i], $"{owner.Child("declare")}[{i}]", "item.declaration");
            if (d is null) continue;
            var name = VariableNameField(d, "var");
            var define = d.String("define");
            var valueNode = d.Get("value");
            d.ReportUnknownKeys(issues.T("what.declaration"));
            if (name is null) continue;
            _definedVariables.Add(name);
            result.Add(new VariableDeclaration(name, define, valueNode is null ? null : YamlValues.ToJson(valueNode)));
        }
        return result;
    }

    private string? VariableNameField(MappingView view, string key)
    {
        var name = view.String(key, required: true, maxLength: 100, pattern: Placeholders.VariableName(),
            patternText: issues.T("validation.pattern.variable"), example: "client_name");
        return name is not null && Placeholders.VariableName().IsMatch(name) ? name : null;
    }

    private Condition? ReadCondition(MappingView owner, string key)
    {
        var node = owner.Get(key);
        if (node is null || YamlValues.IsNull(node)) return null;
        if (node is not YamlScalarNode s)
        {
            issues.Error(owner.Child(key), node, IssueKinds.Type, issues.T("validation.conditionNotText", ("field", key)), issues.T("validation.expected.expression"),
                issues.Describe(node), issues.T("validation.writeExpression", ("field", key)));
            return null;
        }
        if (Condition.TryParse(s.Value ?? "", out var condition, out var error))
        {
            _conditions.Add((owner.Child(key), node, condition!));
            return condition;
        }
        issues.Error(owner.Child(key), node, IssueKinds.Syntax,
            issues.T("validation.invalidExpression", ("field", key), ("reason", issues.T(error!.Text)), ("position", error.Position + 1)),
            issues.T("validation.expected.comparisons"), s.Value, issues.T("validation.fixExpression"));
        return null;
    }

    private ActionDefinition? ReadAction(YamlNode node, string path)
    {
        var action = AsMapping(node, path, "item.action");
        if (action is null) return null;
        var typeNode = action.Get("action_type");
        var type = action.String("action_type", required: true, example: "ai_say");
        if (type is not null && !ActionTypes.All.Contains(type))
        {
            issues.Error(action.Child("action_type"), typeNode, IssueKinds.Enum, issues.T("validation.unknownActionType", ("value", type)),
                string.Join(", ", ActionTypes.All), type, issues.DidYouMean(type, ActionTypes.All, "validation.useListedActionType"));
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
            configView.ReportUnknownKeys(issues.T("what.config", ("type", type)), DeprecatedFields.ActionConfig);
        }
        var misplaced = DeprecatedFields.ConfigFields.ToDictionary(f => f,
            f => new FieldHint(IssueKinds.Structure, LocalText.Of("validation.belongsUnderConfig", ("field", f)), LocalText.Of("validation.moveIntoConfig", ("field", f))));
        foreach (var (k, v) in DeprecatedFields.ActionConfig) misplaced[k] = v;
        action.ReportUnknownKeys(issues.T("what.action"), misplaced);
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
                issues.T("validation.ackSingleRound"), "max_rounds: 1", $"max_rounds: {maxRounds}", issues.T("validation.removeAck"));
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
        var list = ec.List("custom_conditions", itemName: "item.condition");
        if (list is not null)
        {
            for (var i = 0; i < list.Children.Count; i++)
            {
                var cc = AsMapping(list.Children[i], $"{ec.Child("custom_conditions")}[{i}]", "item.customCondition");
                if (cc is null) continue;
                var variable = VariableNameField(cc, "variable");
                var opNode = cc.Get("operator");
                var op = cc.String("operator", required: true, example: "==");
                if (op is not null && !Operators.Contains(op))
                {
                    issues.Error(cc.Child("operator"), opNode, IssueKinds.Enum, issues.T("validation.unknownOperator", ("value", op)), string.Join(" ", Operators), op,
                        issues.DidYouMean(op, Operators, "validation.useListedOperator"));
                    op = null;
                }
                var valueNode = cc.Get("value");
                if (valueNode is null)
                    issues.Error(cc.Child("value"), cc.Node, IssueKinds.Required, issues.T("validation.required", ("field", "value")),
                        issues.T("validation.expected.compareValue"), issues.T("validation.actual.missing"), issues.T("validation.add", ("field", "value")));
                cc.ReportUnknownKeys(issues.T("what.customCondition"));
                if (variable is not null)
                {
                    _conditionVariables.Add((cc.Child("variable"), cc.Get("variable")!, variable));
                }
                if (variable is not null && op is not null && valueNode is not null)
                    customs.Add(new CustomCondition(variable, op, YamlValues.ToJson(valueNode)));
            }
        }
        ec.ReportUnknownKeys(issues.T("what.exitCriteria"));
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
            issues.Warning(c.Child("output"), c.Node, IssueKinds.Structure, issues.T("validation.thinkWithoutOutput"),
                "output: [{get, define}]", issues.T("validation.actual.missing"), issues.T("validation.addThinkOutputs"));
        return content is null ? null : new AiThinkConfig(content, output);
    }

    private List<OutputField> ReadOutputs(MappingView c)
    {
        var result = new List<OutputField>();
        var list = c.List("output", itemName: "item.outputField");
        if (list is null) return result;
        for (var i = 0; i < list.Children.Count; i++)
        {
            var o = AsMapping(list.Children[i], $"{c.Child("output")}[{i}]", "item.outputField");
            if (o is null) continue;
            var get = VariableNameField(o, "get");
            var define = o.String("define");
            o.ReportUnknownKeys(issues.T("what.outputField"));
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
        var inList = c.List("input", itemName: "item.inputBinding");
        if (inList is not null)
        {
            for (var i = 0; i < inList.Children.Count; i++)
            {
                var b = AsMapping(inList.Children[i], $"{c.Child("input")}[{i}]", "item.inputBinding");
                if (b is null) continue;
                var set = VariableNameField(b, "set");
                var valueNode = b.Get("value");
                if (valueNode is null)
                    issues.Error(b.Child("value"), b.Node, IssueKinds.Required, issues.T("validation.required", ("field", "value")),
                        issues.T("validation.expected.bindingValue"), issues.T("validation.actual.missing"), issues.T("validation.addBindingValue"));
                else if (valueNode is YamlScalarNode vs && !YamlValues.IsNull(vs))
                    _texts.Add((b.Child("value"), valueNode, vs.Value ?? "", VisibleScopes()));
                b.ReportUnknownKeys(issues.T("what.inputBinding"));
                if (set is not null && valueNode is not null) inputs.Add(new InputBinding(set, YamlValues.ToJson(valueNode)));
            }
        }
        var outputs = new List<string>();
        var outList = c.List("output", itemName: "item.outputField");
        if (outList is not null)
        {
            for (var i = 0; i < outList.Children.Count; i++)
            {
                var o = AsMapping(outList.Children[i], $"{c.Child("output")}[{i}]", "item.outputField");
                if (o is null) continue;
                var get = VariableNameField(o, "get");
                o.Get("define");
                o.ReportUnknownKeys(issues.T("what.skillOutputField"));
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
            issues.Error(c.Child("skill"), skillNode, IssueKinds.Reference, issues.T("validation.unknownSkill", ("skill", skillId)), issues.T("validation.expected.techniqueId"),
                skillId, issues.T("validation.checkSkill"));
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
            issues.Warning(c.Child("output"), c.Get("output"), IssueKinds.Reference, issues.T("validation.skillNeverSets", ("skill", skillId), ("name", o)),
                string.Join(", ", produced.Order(StringComparer.Ordinal)), o, issues.T("validation.copyBackDeclared"));
        foreach (var i in inputs.Where(i => !declared.Contains(i.Set)))
            issues.Warning(c.Child("input"), c.Get("input"), IssueKinds.Reference, issues.T("validation.skillInputUndeclared", ("skill", skillId), ("name", i.Set)),
                string.Join(", ", declared.Order(StringComparer.Ordinal)), i.Set, issues.T("validation.declareSkillInput"));
    }

    private HashSet<string>[] VisibleScopes() => [_sessionScope, _phaseScope, _topicScope];

    private void RecordUnique(Dictionary<string, (string Path, YamlNode Node)> seen, string id, string path, YamlNode node, string field)
    {
        if (seen.TryGetValue(id, out var first))
        {
            issues.Error(path, node, IssueKinds.Constraint,
                issues.T("validation.duplicateId", ("field", field), ("id", id), ("firstPath", first.Path), ("firstLine", first.Node.Start.Line)),
                issues.T("validation.expected.unique", ("field", field)), id, issues.T("validation.renameOne", ("id", id)));
            return;
        }
        seen[id] = (path, node);
    }

    private void CheckReferences()
    {
        foreach (var (path, node, condition) in _conditions)
        {
            foreach (var name in condition.Variables.Where(n => !_definedVariables.Contains(n)))
                issues.Error(path, node, IssueKinds.Reference, issues.T("validation.conditionUndefined", ("name", name)),
                    issues.T("validation.expected.definedVariable"), name, issues.DidYouMean(name, _definedVariables, "validation.declareOrExtract", ("name", name)));
        }
        foreach (var (path, node, name) in _conditionVariables.Where(v => !_definedVariables.Contains(v.Name)))
            issues.Error(path, node, IssueKinds.Reference, issues.T("validation.exitCriterionUndefined", ("name", name)),
                issues.T("validation.expected.definedVariable"), name, issues.DidYouMean(name, _definedVariables, "validation.declareOrExtractShort", ("name", name)));
        foreach (var (path, node, text, visible) in _texts)
        {
            foreach (var name in Placeholders.Names(text).Distinct(StringComparer.Ordinal)
                         .Where(n => _definedVariables.Contains(n) && !visible.Any(v => v.Contains(n))))
                issues.Warning(path, node, IssueKinds.Reference, issues.T("validation.otherTopicVariable", ("name", name)),
                    issues.T("validation.expected.visibleVariable"), name, issues.T("validation.declareOnPhaseOrSession", ("name", name)));
            foreach (var name in Placeholders.Names(text).Distinct(StringComparer.Ordinal)
                         .Where(n => !_definedVariables.Contains(n) && !SystemVariables.Contains(n)))
                issues.Warning(path, node, IssueKinds.Reference, issues.T("validation.unknownPlaceholder", ("name", name)),
                    issues.T("validation.expected.definedVariable"), name, issues.DidYouMean(name, _definedVariables, "validation.declareOrPass", ("name", name)));
        }
    }
}
