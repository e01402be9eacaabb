namespace HeartRule.Localization;

/// <summary>
/// A text whose language is chosen where it is shown: a catalogue key and its arguments, already written as text
/// (so it can travel and be stored). <see cref="In"/> renders it.
/// </summary>
public sealed record LocalText(string Key, IReadOnlyDictionary<string, string> Args)
{
    private static readonly IReadOnlyDictionary<string, string> NoArgs = new Dictionary<string, string>();

    public static LocalText Of(string key, params ReadOnlySpan<(string Name, object? Value)> args)
    {
        if (args.Length == 0) return new LocalText(key, NoArgs);
        var values = new Dictionary<string, string>(args.Length, StringComparer.Ordinal);
        foreach (var (name, value) in args) values[name] = Catalogue.Text(value);
        return new LocalText(key, values);
    }

    public string In(string? locale) => Catalogue.Get(locale, Key, Args);
}
