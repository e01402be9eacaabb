using System.Runtime.CompilerServices;

namespace HeartRule.Hosting.Orchestration;

/// <summary>The recent console output of one replica, for the dashboard and for tests; bounded.</summary>
internal sealed class ResourceLog(string resource, int replica, Action<ResourceLogLine> sink, int capacity = 5000)
{
    private readonly Queue<ResourceLogLine> _lines = new();
    private readonly Lock _gate = new();
    private long _sequence;
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Write(string text, bool isError, bool isSystem = false)
    {
        ResourceLogLine line;
        TaskCompletionSource appended;
        lock (_gate)
        {
            line = new ResourceLogLine(++_sequence, DateTimeOffset.Now, resource, replica, text, isError, isSystem);
            _lines.Enqueue(line);
            if (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }
            appended = _appended;
            _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        appended.TrySetResult();
        sink(line);
    }

    public IReadOnlyList<ResourceLogLine> GetLines(long after = 0, int max = int.MaxValue)
    {
        lock (_gate)
        {
            return [.. _lines.Where(l => l.Sequence > after).Take(max)];
        }
    }

    public async IAsyncEnumerable<ResourceLogLine> WatchAsync(long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Task appended;
            IReadOnlyList<ResourceLogLine> lines;
            lock (_gate)
            {
                appended = _appended.Task;
                lines = [.. _lines.Where(l => l.Sequence > after)];
            }
            foreach (var line in lines)
            {
                after = line.Sequence;
                yield return line;
            }
            try
            {
                await appended.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }
}
