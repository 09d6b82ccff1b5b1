using System.Net;
using Backprop.Serve.Hosting;
using Backprop.Serve.Sessions;

namespace Backprop.Serve.Tests;

/// <summary>Tabs' states stay bounded: a cap on their number and a time after which an idle one goes.</summary>
public sealed class SessionTests
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Idle_states_are_dropped_after_the_idle_time()
    {
        var clock = new Clock();
        var store = new SessionStore(clock, capacity: 8, idle: TimeSpan.FromMinutes(30));
        var old = store.Create();
        clock.Now += TimeSpan.FromMinutes(20);
        var recent = store.Create();
        clock.Now += TimeSpan.FromMinutes(15);
        Assert.Null(store.Find(old.Id));
        Assert.NotNull(store.Find(recent.Id));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void A_full_store_drops_the_least_recently_used()
    {
        var clock = new Clock();
        var store = new SessionStore(clock, capacity: 3);
        var a = store.Create();
        clock.Now += TimeSpan.FromSeconds(1);
        var b = store.Create();
        clock.Now += TimeSpan.FromSeconds(1);
        var c = store.Create();
        clock.Now += TimeSpan.FromSeconds(1);
        store.Find(a.Id); // a is used again: b is now the oldest
        clock.Now += TimeSpan.FromSeconds(1);
        store.Create();
        Assert.Equal(3, store.Count);
        Assert.Null(store.Find(b.Id));
        Assert.NotNull(store.Find(a.Id));
        Assert.NotNull(store.Find(c.Id));
    }

    [Fact]
    public async Task The_server_holds_at_most_the_cap_however_many_tabs_open()
    {
        await using var server = await PlaygroundServer.StartAsync(0);
        using var http = new HttpClient { BaseAddress = server.Url };
        var first = await (await http.PostAsync("api/sessions", null)).Content.ReadAsStringAsync();
        string firstId = System.Text.Json.JsonDocument.Parse(first).RootElement.GetProperty("id").GetString()!;
        for (int i = 0; i < Limits.MaxSessions + 5; i++) (await http.PostAsync("api/sessions", null)).EnsureSuccessStatusCode();
        Assert.Equal(Limits.MaxSessions, server.Sessions);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"api/s/{firstId}/state")).StatusCode);
    }
}
