using System.Data;
using System.IO.Pipelines;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace HeartRule.Persistence.Sessions;

/// <summary>
/// Writes a whole session as one JSON document (<see cref="SessionExport"/>) straight from the database to the
/// response, row by row: a session has no length limit (10,000 messages are measured in docs/benchmarks.md), so the
/// document is never held in memory, and its size needs no cap.
/// </summary>
public sealed class SessionExporter(NpgsqlDataSource dataSource, TimeProvider time)
{
    private const int FlushBytes = 32 * 1024;

    /// <param name="locale">The reader's language, for the errors' titles and suggestions.</param>
    public async Task WriteAsync(Stream body, Guid id, string scriptId, bool includeDebug, string locale, JsonSerializerOptions json, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // One snapshot: the parts agree with each other even while the session's next turn is being stored.
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        // The serializer flushes its writer synchronously; into a pipe that is only a copy, and the pipe writes to the
        // response asynchronously.
        var pipe = PipeWriter.Create(body, new StreamPipeWriterOptions(leaveOpen: true));
        await using (var writer = new Utf8JsonWriter(pipe))
        {
            await WriteDocumentAsync(writer, pipe, connection, tx, id, scriptId, includeDebug, locale, json, ct);
        }
        await pipe.CompleteAsync();
        await tx.CommitAsync(ct);
    }

    private async Task WriteDocumentAsync(
        Utf8JsonWriter writer, PipeWriter pipe, NpgsqlConnection connection, NpgsqlTransaction tx,
        Guid id, string scriptId, bool includeDebug, string locale, JsonSerializerOptions json, CancellationToken ct)
    {
        string Name(string member) => json.PropertyNamingPolicy?.ConvertName(member) ?? member;

        writer.WriteStartObject();
        writer.WriteString(Name(nameof(SessionExport.ExportedAt)), time.GetUtcNow().UtcDateTime);
        writer.WriteBoolean(Name(nameof(SessionExport.IncludesDebug)), includeDebug);
        writer.WritePropertyName(Name(nameof(SessionExport.Session)));
        JsonSerializer.Serialize(writer, await SessionStore.ReadDetailAsync(connection, tx, id, includeEngineState: false, locale, ct), json);

        var args = new { id, includeDebug };
        await WriteArrayAsync(Name(nameof(SessionExport.Transcript)), connection.QueryUnbufferedAsync<SessionStore.MessageRow>(
            $"{SessionStore.MessageSelect} WHERE session_id = @id ORDER BY seq", args, tx), SessionStore.ToView);
        await WriteArrayAsync(Name(nameof(SessionExport.VariableHistory)), connection.QueryUnbufferedAsync<SessionStore.ChangeRow>(
            $"{SessionStore.ChangeSelect} WHERE session_id = @id ORDER BY turn, ordinal", args, tx), SessionStore.ToView);
        await WriteArrayAsync(Name(nameof(SessionExport.Turns)), connection.QueryUnbufferedAsync<SessionStore.TurnRow>(
            $"{SessionStore.TurnSelect} WHERE session_id = @id ORDER BY turn", args, tx), t => SessionStore.ToView(t, id, scriptId, locale));
        writer.WriteEndObject();

        async Task WriteArrayAsync<TRow, TView>(string name, IAsyncEnumerable<TRow> rows, Func<TRow, TView> view)
        {
            writer.WriteStartArray(name);
            await foreach (var row in rows.WithCancellation(ct))
            {
                JsonSerializer.Serialize(writer, view(row), json);
                if (pipe.UnflushedBytes > FlushBytes) await pipe.FlushAsync(ct);
            }
            writer.WriteEndArray();
        }
    }
}
