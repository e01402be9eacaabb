namespace HeartRule.IntegrationTests;

/// <summary>Reads a <see cref="HeartRuleConnection"/>'s events as they come, keeps them all, and lets a test wait for one.</summary>
public sealed class EventRecorder
{
    private readonly Lock _lock = new();
    private readonly List<ConnectionEvent> _events = [];
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _ended;

    public EventRecorder(HeartRuleConnection connection) => _ = ReadAsync(connection);

    /// <summary>How many have come so far: a mark to wait for events after it.</summary>
    public int Count
    {
        get { lock (_lock) return _events.Count; }
    }

    public IReadOnlyList<T> All<T>() where T : ConnectionEvent
    {
        lock (_lock) return [.. _events.OfType<T>()];
    }

    /// <summary>Every event in the order it came.</summary>
    public IReadOnlyList<ConnectionEvent> Events
    {
        get { lock (_lock) return [.. _events]; }
    }

    /// <summary>The first event of the type (after <paramref name="after"/> events) that matches, once it has come.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, int after = 0, TimeSpan? timeout = null) where T : ConnectionEvent
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            Task added;
            lock (_lock)
            {
                if (_events.Skip(after).OfType<T>().FirstOrDefault(e => match?.Invoke(e) ?? true) is { } found) return found;
                if (_ended is not null) throw new InvalidOperationException($"The connection ended before a {typeof(T).Name} came.", _ended);
                added = _added.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"No {typeof(T).Name} came in time; events: {string.Join(", ", Events.Select(e => e.GetType().Name))}");
            try
            {
                await added.WaitAsync(left);
            }
            catch (TimeoutException)
            {
                // Checked once more above, then reported.
            }
        }
    }

    private async Task ReadAsync(HeartRuleConnection connection)
    {
        try
        {
            await foreach (var e in connection.Events.ReadAllAsync()) Add(e);
            Add(null, new InvalidOperationException("The connection was disposed."));
        }
        catch (Exception ex)
        {
            Add(null, ex);
        }
    }

    private void Add(ConnectionEvent? e, Exception? ended = null)
    {
        TaskCompletionSource added;
        lock (_lock)
        {
            if (e is not null) _events.Add(e);
            _ended ??= ended;
            added = _added;
            _added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        added.SetResult();
    }
}
