using System.Collections.Concurrent;
using System.Security.Cryptography;
using Backprop.Serve.Hosting;

namespace Backprop.Serve.Sessions;

/// <summary>
/// The tabs' states, bounded: a state unused for <see cref="Limits.SessionIdle"/> is dropped, and when
/// <see cref="Limits.MaxSessions"/> are held a new one replaces the least recently used. A dropped state's
/// training stops. Ids are random (128 bits), so one tab cannot guess another's.
/// </summary>
internal sealed class SessionStore(TimeProvider time, int capacity = Limits.MaxSessions, TimeSpan? idle = null)
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly TimeSpan _idle = idle ?? Limits.SessionIdle;
    private readonly Lock _create = new();

    public int Count => _sessions.Count;

    public Session Create()
    {
        lock (_create)
        {
            DropIdle();
            while (_sessions.Count >= capacity && _sessions.Values.MinBy(s => s.LastUsed) is { } oldest) Drop(oldest.Id);
            var session = new Session(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), time.GetUtcNow());
            _sessions[session.Id] = session;
            return session;
        }
    }

    /// <summary>The tab's state, marked as used now; null when it never existed or was dropped.</summary>
    public Session? Find(string id)
    {
        DropIdle();
        if (!_sessions.TryGetValue(id, out var session)) return null;
        session.LastUsed = time.GetUtcNow();
        return session;
    }

    /// <summary>Drops every state idle for longer than the limit (also called on each request, so no timer is needed).</summary>
    public void DropIdle()
    {
        var cutoff = time.GetUtcNow() - _idle;
        foreach (var s in _sessions.Values)
            if (s.LastUsed < cutoff) Drop(s.Id);
    }

    /// <summary>Stops every training run (the server is stopping).</summary>
    public void StopAll()
    {
        foreach (var s in _sessions.Values) s.StopTraining();
    }

    private void Drop(string id)
    {
        if (_sessions.TryRemove(id, out var s)) s.StopTraining();
    }
}
