using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace HeartRule.AppHost.Infrastructure;

/// <summary>
/// Where the servers keep their data (configuration <c>DataDirectory</c>, by default <c>.data/</c> beside the
/// AppHost; <c>./eng/run.sh --wipe</c> deletes it) and the few facts they need before they first start.
/// </summary>
public static class ServerFolders
{
    public const string DataDirectoryKey = "DataDirectory";

    /// <summary>Configuration flag for throw-away data (tests): durability settings are traded for speed.</summary>
    public const string EphemeralKey = "Infrastructure:Ephemeral";

    public static string DataFolder(this IDistributedApplicationBuilder builder, string resourceName)
    {
        var root = builder.Configuration[DataDirectoryKey] ?? Path.Combine(builder.AppHostDirectory, "..", ".data");
        var folder = Path.GetFullPath(Path.Combine(root, resourceName));
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static bool IsEphemeral(this IDistributedApplicationBuilder builder) =>
        bool.TryParse(builder.Configuration[EphemeralKey], out var ephemeral) && ephemeral;

    /// <summary>
    /// The server's password, generated once and kept with its data: PostgreSQL and RabbitMQ take it when they
    /// initialise their data, so it must outlive the AppHost (and any user-secrets store) exactly as long as the data.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddServerPassword(this IDistributedApplicationBuilder builder, string resourceName, string dataFolder)
    {
        var file = Path.Combine(dataFolder, ".password");
        if (!File.Exists(file))
        {
            WriteOwnerOnly(file, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant());
        }
        return builder.AddParameter($"{resourceName}-password", File.ReadAllText(file).Trim(), secret: true);
    }

    /// <summary>Writes a file that holds a secret, readable by its owner only.</summary>
    public static void WriteOwnerOnly(string path, string contents)
    {
        File.WriteAllText(path, contents);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>
    /// A port nobody listens on now. The servers are reached directly rather than through Aspire's proxy (one hop
    /// less on every query and message), and a proxy-less endpoint needs its port chosen up front.
    /// </summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
