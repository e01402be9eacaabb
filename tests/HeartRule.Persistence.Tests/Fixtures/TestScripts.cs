namespace HeartRule.Persistence.Tests.Fixtures;

/// <summary>Small scripts for the API tests: valid ones with a chosen id, and broken ones of each kind.</summary>
public static class TestScripts
{
    public static string Session(string id, string greeting = "Hello", string name = "A test session") => $"""
        session:
          session_id: {id}
          session_name: {name}
          phases:
            - phase_id: p1
              topics:
                - topic_id: t1
                  actions:
                    - action_type: ai_say
                      action_id: hello
                      config:
                        content: "{greeting}"
                        require_acknowledgment: false
        """;

    /// <summary>A valid session script with one warning: a root key the engine ignores.</summary>
    public static string Warned(string id, string greeting = "Hello") => Session(id, greeting) + "\nnotes: kept for the authors\n";

    /// <summary>A valid session script that calls the technique <paramref name="skill"/>.</summary>
    public static string UsingSkill(string id, string skill) => $$"""
        session:
          session_id: {{id}}
          phases: [ { phase_id: p1, topics: [ { topic_id: t1, actions: [ { action_type: use_skill, action_id: do_it, config: { skill: {{skill}} } } ] } ] } ]
        """;

    public static string Technique(string id) => $"""
        topic:
          topic_id: {id}
          topic_name: A test technique
          actions:
            - action_type: ai_say
              action_id: say
              config:
                content: Breathe.
                require_acknowledgment: false
        """;

    /// <summary>Not YAML: an unclosed flow mapping.</summary>
    public const string Unparsable = """
        session:
          session_id: broken
          phases: [ { phase_id: p1
        """;

    /// <summary>YAML, but not a valid script: no phases, and an unknown skill in the other session.</summary>
    public static string Invalid(string id) => $"""
        session:
          session_id: {id}
          phases:
            - phase_id: p1
              topics:
                - topic_id: t1
                  actions:
                    - action_type: ai_dance
                      action_id: a1
                      config:
                        content: x
                    - action_type: use_skill
                      action_id: a2
                      config:
                        skill: no_such_skill
        """;

    /// <summary>
    /// A Chinese script (Chinese ids, content and variable names) with five errors: an action without action_id, an
    /// unknown action type, a max_rounds out of range, an unknown field (its "е" is Cyrillic) and a condition on a
    /// variable nothing defines.
    /// </summary>
    public static string BrokenChinese(string id) => $"""
        metadata:
          name: 坏掉的初次访谈
          language: zh-CN
        session:
          session_id: {id}
          phases:
            - phase_id: 开始
              topics:
                - topic_id: 认识
                  actions:
                    - action_type: ai_say
                      config:
                        content: 欢迎你。
                    - action_type: ai_sya
                      action_id: 问称呼
                      config:
                        content: 我该怎么称呼你？
                    - action_type: ai_ask
                      action_id: 问原因
                      condition: 称呼 != null
                      config:
                        content: 是什么让你来到这里？
                        max_rounds: 11
                        tonе: 温和
                        output:
                          - get: 困扰
        """;
}
