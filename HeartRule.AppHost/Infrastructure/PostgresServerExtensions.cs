using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HeartRule.AppHost.Infrastructure;

public static class PostgresServerExtensions
{
    /// <summary>
    /// PostgreSQL from Debian's binaries: a cluster made once by initdb in the resource's data folder (password
    /// authentication, the kept password), then the postmaster in the foreground on 127.0.0.1 only, with no Unix
    /// socket (its default folder belongs to the system's own PostgreSQL). Healthy when it answers a query.
    /// </summary>
    public static IResourceBuilder<PostgresServerExecutableResource> AddPostgresServer(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var dataFolder = builder.DataFolder(name);
        var password = builder.AddServerPassword(name, dataFolder);
        var port = ServerFolders.FreePort();
        var postgres = DebianServers.PostgresBin("postgres");
        // As root, setpriv hands the process to the postgres user and then becomes the postmaster itself (exec), so
        // the process Aspire holds, stops and shows is the server's own.
        var server = new PostgresServerExecutableResource(name, DebianServers.IsRoot ? "setpriv" : postgres, dataFolder, password.Resource);

        List<string> args = DebianServers.IsRoot
            ? ["--reuid", DebianServers.PostgresUser, "--regid", DebianServers.PostgresUser, "--init-groups", postgres]
            : [];
        args.AddRange([
            "-D", server.ClusterFolder,
            "-p", port.ToString(CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=",
            "-c", "max_connections=300",
        ]);
        if (builder.IsEphemeral())
        {
            // Throw-away data may be lost when the machine fails (no fsync), but not when the server is killed: a
            // commit still waits for its WAL to reach the operating system. synchronous_commit=off would drop the
            // last acknowledged commits with the process, which the fault suite showed as turns missing.
            args.AddRange(["-c", "fsync=off", "-c", "full_page_writes=off"]);
        }

        // Scoped to the maintenance database: Npgsql would otherwise take the user name for one.
        var connectionString = builder.TrackConnectionString(server, ";Database=postgres");
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(_ => connectionString(), name: healthCheckKey);

        // A database has no process of its own: it runs once it exists, and Aspire only tracks the children of containers.
        builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (e, ct) =>
        {
            await using var connection = new NpgsqlConnection(connectionString());
            await connection.OpenAsync(ct);
            var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var database in server.Databases)
            {
                await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = database.DatabaseName } } };
                if (await exists.ExecuteScalarAsync(ct) is null)
                {
                    await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.DatabaseName.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
                    await create.ExecuteNonQueryAsync(ct);
                }
                await notifications.PublishUpdateAsync(database, s => s with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow });
            }
        });

        return builder.AddResource(server)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: PostgresServerExecutableResource.EndpointName, isProxied: false)
            .WithArgs([.. args])
            .WithIconName("DatabaseMultiple")
            .OnBeforeResourceStarted((resource, e, ct) =>
                InitialiseClusterAsync(resource, e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(resource), ct))
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>A database in the server; its connection string is <c>ConnectionStrings__{name}</c> for whoever references it.</summary>
    public static IResourceBuilder<PostgresExecutableDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerExecutableResource> server, [ResourceName] string name, string? databaseName = null)
    {
        var database = new PostgresExecutableDatabaseResource(name, databaseName ?? name, server.Resource);
        server.Resource.Databases.Add(database);
        var connectionString = server.ApplicationBuilder.TrackConnectionString(database);
        var healthCheckKey = $"{name}_check";
        server.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(_ => connectionString(), name: healthCheckKey);
        return server.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot { ResourceType = "PostgresDatabase", State = KnownResourceStates.NotStarted, Properties = [] })
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey);
    }

    private static async Task InitialiseClusterAsync(PostgresServerExecutableResource server, ILogger log, CancellationToken cancellationToken)
    {
        if (DebianServers.IsRoot)
        {
            await RunAsync(log, "chown", [$"{DebianServers.PostgresUser}:{DebianServers.PostgresUser}", server.DataFolder], cancellationToken);
        }
        if (File.Exists(Path.Combine(server.ClusterFolder, "PG_VERSION")))
        {
            return;
        }
        log.LogInformation("Initialising a new cluster in {Folder}", server.ClusterFolder);
        var passwordFile = Path.Combine(server.DataFolder, ".initdb-password");
        await File.WriteAllTextAsync(passwordFile, await server.Password.GetValueAsync(cancellationToken), cancellationToken);
        try
        {
            if (DebianServers.IsRoot)
            {
                await RunAsync(log, "chown", [DebianServers.PostgresUser, passwordFile], cancellationToken);
            }
            List<string> initdb =
            [
                DebianServers.PostgresBin("initdb"), "-D", server.ClusterFolder, "-U", PostgresServerExecutableResource.UserName,
                $"--pwfile={passwordFile}", "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-instructions",
                // A crash right after initdb costs a re-init of an empty cluster; syncing costs every first start.
                "--no-sync",
            ];
            var exitCode = DebianServers.IsRoot
                ? await RunAsync(log, "setpriv", ["--reuid", DebianServers.PostgresUser, "--regid", DebianServers.PostgresUser, "--init-groups", .. initdb], cancellationToken)
                : await RunAsync(log, initdb[0], initdb[1..], cancellationToken);
            if (exitCode != 0)
            {
                if (Directory.Exists(server.ClusterFolder)) Directory.Delete(server.ClusterFolder, recursive: true);
                throw new DistributedApplicationException($"initdb failed with exit code {exitCode}.");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static async Task<int> RunAsync(ILogger log, string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            log.LogError("{Program} failed: {Output}{Error}", fileName, await output, await error);
        }
        return process.ExitCode;
    }
}
