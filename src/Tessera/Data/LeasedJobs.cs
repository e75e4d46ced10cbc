using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace Tessera.Data;

/// <summary>A row a background loop works through: claimed under a lease, attempted, then finished or put back.</summary>
public interface ILeasedJob
{
    int Attempts { get; }
    DateTime NextAttemptAt { get; }
    /// <summary>Set while one dispatcher holds the job, so two instances never run it twice.</summary>
    string? LockedBy { get; }
    DateTime? LockedUntil { get; }
    string? LastError { get; }
    DateTime CreatedAt { get; }
}

/// <summary>
/// The lease one dispatcher instance takes on the rows it works on (outbox messages, webhook deliveries): a lock with
/// an expiry, so two instances never run the same job, and a job whose instance died is taken over once it expires.
/// Every write after the claim is conditional on still holding the lease. What a job is (its table, what makes it
/// pending) stays with its dispatcher, which passes the rows in as a query.
/// </summary>
public sealed class JobLease
{
    /// <summary>Written into <c>locked_by</c>: unique per process and dispatcher, so instances on one host differ.</summary>
    public string InstanceId { get; } = Truncate($"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}", 64);

    /// <summary>The jobs whose time has come and that no live lease holds.</summary>
    public static IQueryable<T> Due<T>(IQueryable<T> jobs, DateTime now) where T : class, ILeasedJob =>
        jobs.Where(j => j.NextAttemptAt <= now && (j.LockedUntil == null || j.LockedUntil < now));

    /// <summary>
    /// Takes the lease on one job (a conditional update: whoever updates the row owns it), the claim where the database
    /// has a single writer. False when another instance holds it.
    /// </summary>
    public async Task<bool> TryClaimAsync<T>(IQueryable<T> job, DateTime now, DateTime until, CancellationToken cancellationToken) where T : class, ILeasedJob =>
        await job.Where(j => j.LockedUntil == null || j.LockedUntil < now).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.LockedBy, InstanceId)
            .SetProperty(j => j.LockedUntil, (DateTime?)until), cancellationToken) == 1;

    /// <summary>The job, while this instance still holds it.</summary>
    public IQueryable<T> Held<T>(IQueryable<T> job) where T : class, ILeasedJob => job.Where(j => j.LockedBy == InstanceId);

    /// <summary>Puts the jobs this instance holds back untouched, for any instance to take (shutdown mid-attempt, nothing
    /// to send it with). Returns how many.</summary>
    public Task<int> ReleaseAsync<T>(IQueryable<T> job, CancellationToken cancellationToken) where T : class, ILeasedJob =>
        Held(job).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.LockedBy, (string?)null)
            .SetProperty(j => j.LockedUntil, (DateTime?)null), cancellationToken);

    /// <summary>Records a failed attempt and lets the job go until <paramref name="next"/>.</summary>
    public Task RetryLaterAsync<T>(IQueryable<T> job, int attempts, string error, DateTime next, Action<UpdateSettersBuilder<T>> alsoSet, CancellationToken cancellationToken)
        where T : class, ILeasedJob =>
        Held(job).ExecuteUpdateAsync(s =>
        {
            s.SetProperty(j => j.Attempts, attempts)
                .SetProperty(j => j.LastError, error)
                .SetProperty(j => j.NextAttemptAt, next)
                .SetProperty(j => j.LockedBy, (string?)null)
                .SetProperty(j => j.LockedUntil, (DateTime?)null);
            alsoSet(s);
        }, cancellationToken);

    /// <summary>
    /// Records the job's outcome (<paramref name="outcome"/> sets its status and what it keeps); <c>locked_by</c> stays
    /// as the record of which instance ran it.
    /// </summary>
    public Task FinishAsync<T>(IQueryable<T> job, int attempts, Action<UpdateSettersBuilder<T>> outcome, CancellationToken cancellationToken)
        where T : class, ILeasedJob =>
        Held(job).ExecuteUpdateAsync(s =>
        {
            s.SetProperty(j => j.Attempts, attempts).SetProperty(j => j.LockedUntil, (DateTime?)null);
            outcome(s);
        }, cancellationToken);

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
