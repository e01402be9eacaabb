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
}
