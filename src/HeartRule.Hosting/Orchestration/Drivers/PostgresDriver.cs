using System.Globalization;
using HeartRule.Hosting.ApplicationModel;
using Npgsql;

namespace HeartRule.Hosting.Orchestration.Drivers;

/// <summary>
/// PostgreSQL from the OS binaries: initdb once (scram password auth, the generated password), then the
/// postmaster itself in the foreground, on 127.0.0.1 only, without a Unix socket (nothing needs one, and
/// its default folder belongs to the system's own PostgreSQL).
/// </summary>
internal sealed class PostgresDriver(PostgresServerResource server, RuntimeContext context) : ResourceDriver(server, context)
{
    private const string OsUser = "postgres";

    protected override bool LaunchesProcesses => true;

    private string DataFolder => Context.GetDataDirectory(server);

    private string ClusterFolder => Path.Combine(DataFolder, "pgdata");

    /// <summary>Every database is configured elsewhere and nobody uses the server itself.</summary>
    public override bool IsUnused =>
        !IsExternal
        && server.Databases.Count > 0
        && server.Databases.All(d => Context.GetConfiguredConnectionString(d) is not null)
        && !Context.Model.Resources.OfType<Resource>().Any(r => r.References.Contains(server) || r.WaitFor.Contains(server));

    public override async Task PrepareAsync(ResourceInstance instance, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(DataFolder);
        if (Native.IsRoot)
        {
            await instance.RunToCompletionAsync(new ProcessSpec { DisplayName = "chown", FileName = "chown", Arguments = [$"{OsUser}:{OsUser}", DataFolder] }, cancellationToken);
        }
        if (File.Exists(Path.Combine(ClusterFolder, "PG_VERSION")))
        {
            return;
        }

        instance.Log.Write($"initialising a new cluster in {ClusterFolder}", false, isSystem: true);
        var passwordFile = Path.Combine(DataFolder, ".initdb-password");
        await File.WriteAllTextAsync(passwordFile, Context.GetParameterValue(server.PasswordParameter), cancellationToken);
        try
        {
            if (Native.IsRoot)
            {
                await instance.RunToCompletionAsync(new ProcessSpec { DisplayName = "chown", FileName = "chown", Arguments = [$"{OsUser}:{OsUser}", passwordFile] }, cancellationToken);
            }
            var exitCode = await instance.RunToCompletionAsync(new ProcessSpec
            {
                DisplayName = "initdb",
                FileName = Path.Combine(ServerBinaries.PostgresBinDirectory(), "initdb"),
                Arguments =
                [
                    "-D", ClusterFolder, "-U", server.UserName, $"--pwfile={passwordFile}",
                    "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-instructions",
                    // A crash right after initdb costs a re-init of an empty cluster; syncing costs every start.
                    "--no-sync",
                ],
                RunAsUser = OsUser,
                WorkingDirectory = DataFolder,
            }, cancellationToken);
            if (exitCode != 0)
            {
                Directory.Delete(ClusterFolder, recursive: true);
                throw new DistributedApplicationException($"initdb failed with exit code {exitCode}.");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    public override IReadOnlyList<ProcessSpec> GetProcesses(ResourceInstance instance)
    {
        var port = Endpoint(PostgresServerResource.PrimaryEndpointName).Port;
        List<string> args =
        [
            "-D", ClusterFolder,
            "-p", port.ToString(CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=",
            "-c", "max_connections=300",
        ];
        if (Context.Options.Ephemeral)
        {
            args.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }
        return
        [
            new ProcessSpec
            {
                DisplayName = server.Name,
                FileName = Path.Combine(ServerBinaries.PostgresBinDirectory(), "postgres"),
                Arguments = args,
                RunAsUser = OsUser,
                WorkingDirectory = DataFolder,
                // Fast shutdown: SIGTERM would wait for every client to disconnect.
                StopSignal = Native.SIGINT,
            },
        ];
    }

    public override Task<bool> CheckHealthAsync(ResourceInstance instance, CancellationToken cancellationToken) =>
        PostgresProbe.CanQueryAsync(ConnectionString, cancellationToken);
}
