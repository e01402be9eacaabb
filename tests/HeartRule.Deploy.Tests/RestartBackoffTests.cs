using HeartRule.AppHost.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace HeartRule.Deploy.Tests;

/// <summary>The AppHost restarts a crashed process at once, and one that keeps crashing ever more slowly.</summary>
public sealed class RestartBackoffTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly RestartBackoff _backoff;

    public RestartBackoffTests() => _backoff = new RestartBackoff(_time);

    [Fact]
    public void A_process_that_crashes_again_right_after_each_restart_waits_twice_as_long_each_time_up_to_a_minute()
    {
        var pauses = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            var pause = _backoff.NextPause("postgres");
            pauses.Add(pause.TotalSeconds);
            _time.Advance(pause + TimeSpan.FromSeconds(2)); // restarted, and crashed again 2 s later
        }
        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], pauses);
    }

    [Fact]
    public void A_process_that_ran_for_a_while_after_its_restart_is_restarted_after_a_second_again()
    {
        foreach (var _ in Enumerable.Range(0, 4)) _time.Advance(_backoff.NextPause("sessions-abc"));
        Assert.Equal(TimeSpan.FromSeconds(16), _backoff.NextPause("sessions-abc"));

        _time.Advance(TimeSpan.FromSeconds(16) + RestartBackoff.Recovered);
        Assert.Equal(RestartBackoff.FirstPause, _backoff.NextPause("sessions-abc"));
    }

    [Fact]
    public void Each_process_has_its_own_count_so_one_replica_crashing_does_not_slow_another()
    {
        _time.Advance(_backoff.NextPause("gateway-a"));
        Assert.Equal(TimeSpan.FromSeconds(2), _backoff.NextPause("gateway-a"));
        Assert.Equal(RestartBackoff.FirstPause, _backoff.NextPause("gateway-b"));
    }
}
