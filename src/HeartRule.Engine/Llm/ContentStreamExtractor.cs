using System.Globalization;
using System.Text;

namespace HeartRule.Engine;

/// <summary>
/// Pulls the <c>"content"</c> string out of a JSON reply while it is still arriving, so the client sees the
/// counsellor's words token by token rather than the JSON around them. It also notices an <c>"EXIT": true</c>
/// written before the content, which means the text will be discarded and should not be shown at all.
/// </summary>
internal sealed class ContentStreamExtractor
{
    private readonly StringBuilder _buffer = new();
    private int _scan;           // where to continue looking for the key / decoding
    private bool _inContent;
    private bool _done;
    private bool _escape;
    private string? _unicode;

    public bool ExitSeenBeforeContent { get; private set; }
    public bool Started => _inContent || _done;

    /// <summary>Appends raw model text and returns newly decoded content characters (possibly empty).</summary>
    public string Push(string chunk)
    {
        _buffer.Append(chunk);
        if (_done) return "";
        if (!_inContent)
        {
            var text = _buffer.ToString();
            var key = FindContentValueStart(text);
            if (key < 0)
            {
                if (System.Text.RegularExpressions.Regex.IsMatch(text, "\"EXIT\"\\s*:\\s*(true|\"true\"|\"yes\")", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
                    ExitSeenBeforeContent = true;
                return "";
            }
            _inContent = true;
            _scan = key;
        }
        var output = new StringBuilder();
        while (_scan < _buffer.Length && !_done)
        {
            var c = _buffer[_scan];
            if (_unicode is not null)
            {
                if (_buffer.Length - _scan < 4) break;
                var hex = _buffer.ToString(_scan, 4);
                if (int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code)) output.Append((char)code);
                _scan += 4;
                _unicode = null;
                continue;
            }
            _scan++;
            if (_escape)
            {
                _escape = false;
                switch (c)
                {
                    case 'n': output.Append('\n'); break;
                    case 't': output.Append('\t'); break;
                    case 'r': break;
                    case 'b' or 'f': break;
                    case 'u': _unicode = ""; break;
                    default: output.Append(c); break;
                }
                continue;
            }
            if (c == '\\') { _escape = true; continue; }
            if (c == '"') { _done = true; break; }
            output.Append(c);
        }
        return output.ToString();
    }

    private static int FindContentValueStart(string text)
    {
        var i = text.IndexOf("\"content\"", StringComparison.Ordinal);
        if (i < 0) return -1;
        var j = i + 9;
        while (j < text.Length && char.IsWhiteSpace(text[j])) j++;
        if (j >= text.Length || text[j] != ':') return -1;
        j++;
        while (j < text.Length && char.IsWhiteSpace(text[j])) j++;
        if (j >= text.Length || text[j] != '"') return -1;
        return j + 1;
    }
}
