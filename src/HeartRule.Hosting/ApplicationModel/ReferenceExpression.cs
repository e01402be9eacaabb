using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace HeartRule.Hosting.ApplicationModel;

/// <summary>
/// A string made of literal text and <see cref="IValueProvider"/>s, e.g. a connection string built from an
/// endpoint and a password. Kept symbolic in the model so that it can be rendered for a manifest or resolved
/// at run time. Written as an interpolated string: <c>ReferenceExpression.Create($"Host={endpoint.Property(EndpointProperty.Host)}")</c>.
/// </summary>
public sealed class ReferenceExpression : IValueProvider
{
    private ReferenceExpression(string format, IReadOnlyList<IValueProvider> valueProviders)
    {
        Format = format;
        ValueProviders = valueProviders;
    }

    /// <summary>Composite format string whose holes {0}, {1}... are <see cref="ValueProviders"/>.</summary>
    public string Format { get; }

    public IReadOnlyList<IValueProvider> ValueProviders { get; }

    public string ValueExpression =>
        string.Format(CultureInfo.InvariantCulture, Format, ValueProviders.Select(v => (object)v.ValueExpression).ToArray());

    public string Resolve(IValueResolver resolver) =>
        string.Format(CultureInfo.InvariantCulture, Format, ValueProviders.Select(v => (object)v.Resolve(resolver)).ToArray());

    public static ReferenceExpression Create(in ExpressionInterpolatedStringHandler handler) => handler.Build();

    public static ReferenceExpression Literal(string value) => new(Escape(value), []);

    public static ReferenceExpression From(IValueProvider provider) =>
        provider as ReferenceExpression ?? new ReferenceExpression("{0}", [provider]);

    public static implicit operator ReferenceExpression(string value) => Literal(value);

    public override string ToString() => ValueExpression;

    private static string Escape(string value) => value.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);

    [InterpolatedStringHandler]
    public ref struct ExpressionInterpolatedStringHandler
    {
        private readonly StringBuilder _format;
        private readonly List<IValueProvider> _providers;

        public ExpressionInterpolatedStringHandler(int literalLength, int formattedCount)
        {
            _format = new StringBuilder(literalLength + formattedCount * 4);
            _providers = new List<IValueProvider>(formattedCount);
        }

        public readonly void AppendLiteral(string value) => _format.Append(Escape(value));

        public readonly void AppendFormatted(IValueProvider provider)
        {
            _format.Append('{').Append(_providers.Count.ToString(CultureInfo.InvariantCulture)).Append('}');
            _providers.Add(provider);
        }

        public readonly void AppendFormatted(string? value) => _format.Append(Escape(value ?? ""));

        public readonly void AppendFormatted<T>(T value) where T : IFormattable =>
            _format.Append(Escape(value.ToString(null, CultureInfo.InvariantCulture)));

        internal readonly ReferenceExpression Build() => new(_format.ToString(), _providers.ToArray());
    }
}
