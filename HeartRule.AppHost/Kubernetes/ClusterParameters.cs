using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace HeartRule.AppHost.Kubernetes;

/// <summary>
/// The value of each parameter the model uses, in the cluster: from configuration (<c>Parameters:&lt;name&gt;</c>, as
/// Aspire reads them), else kept from the last render into the same folder (a database keeps the password it was
/// made with), else generated. Generated values are letters and digits: they go into URIs and Redis options.
/// </summary>
public sealed class ClusterParameters(IConfiguration configuration, IReadOnlyDictionary<string, string> kept)
{
    private readonly SortedDictionary<string, string> _used = new(StringComparer.Ordinal);

    /// <summary>Every parameter asked for so far, with its value: what the next render keeps.</summary>
    public IReadOnlyDictionary<string, string> Used => _used;

    public string this[ParameterResource parameter]
    {
        get
        {
            if (_used.TryGetValue(parameter.Name, out var known)) return known;
            var value = configuration[$"Parameters:{parameter.Name}"]
                ?? (kept.TryGetValue(parameter.Name, out var previous) ? previous : null)
                ?? Generate(parameter);
            _used[parameter.Name] = value;
            return value;
        }
    }

    private static string Generate(ParameterResource parameter)
    {
        if (!parameter.Secret && parameter.Default is not GenerateParameterDefault)
            throw new InvalidOperationException($"Parameter '{parameter.Name}' has no value: set Parameters:{parameter.Name}.");
        var length = Math.Max((parameter.Default as GenerateParameterDefault)?.MinLength ?? 0, 32);
        return RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", length);
    }
}
