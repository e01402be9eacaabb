namespace HeartRule.Hosting.Orchestration;

/// <summary>Every resource's output on the AppHost's console, each line prefixed by its coloured name.</summary>
internal sealed class ConsoleOutput
{
    private static readonly string[] Palette =
        ["\u001b[36m", "\u001b[35m", "\u001b[33m", "\u001b[32m", "\u001b[34m", "\u001b[96m", "\u001b[95m", "\u001b[93m", "\u001b[92m", "\u001b[94m"];
    private const string Reset = "\u001b[0m";
    private const string Dim = "\u001b[2m";
    private const string Red = "\u001b[31m";

    private readonly Dictionary<string, string> _colours = new(StringComparer.Ordinal);
    private readonly bool _useColour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
    private int _width = 10;

    public void Register(string displayName)
    {
        lock (_colours)
        {
            if (!_colours.ContainsKey(displayName))
            {
                _colours[displayName] = Palette[_colours.Count % Palette.Length];
            }
            _width = Math.Max(_width, displayName.Length);
        }
    }

    public void Write(string displayName, ResourceLogLine line)
    {
        string colour;
        lock (_colours)
        {
            colour = _colours.GetValueOrDefault(displayName, Palette[0]);
        }
        var name = displayName.PadRight(_width);
        var text = line.IsSystem ? $"{(_useColour ? Dim : "")}» {line.Text}{(_useColour ? Reset : "")}" : line.Text;
        // One Write per line: Console.Out is synchronised, so lines of different resources never interleave.
        Console.Out.Write(_useColour
            ? $"{colour}{name}{Reset} {(line.IsError ? Red + "|" + Reset : "|")} {text}\n"
            : $"{name} | {text}\n");
    }

    public void WriteBanner(string text) => Console.Out.Write($"{(_useColour ? "\u001b[1m" : "")}{text}{(_useColour ? Reset : "")}\n");
}
