namespace Tessera.GraphQL.Execution;

/// <summary>Fetches the values of many keys at once; a key missing from the result resolves to default (null).</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public delegate ValueTask<IReadOnlyDictionary<TKey, TValue>> BatchLoadFunction<TKey, TValue>(IReadOnlyList<TKey> keys, CancellationToken cancellationToken)
    where TKey : notnull;

/// <summary>
/// Batches and caches loads for one request: every <see cref="LoadAsync"/> made while a breadth of the query executes
/// is answered by a single call of the batch function, dispatched by the executor once execution cannot progress
/// without it. Loads of the same key share one task.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class DataLoader<TKey, TValue> : IDataLoaderDispatch
    where TKey : notnull
{
    private readonly BatchLoadFunction<TKey, TValue> _batchLoad;
    private readonly DataLoaderRegistry _registry;
    private readonly Dictionary<TKey, TaskCompletionSource<TValue?>> _cache = [];
    private List<(TKey Key, TaskCompletionSource<TValue?> Source)> _pending = [];
    private readonly object _lock = new();

    internal DataLoader(BatchLoadFunction<TKey, TValue> batchLoad, DataLoaderRegistry registry)
    {
        _batchLoad = batchLoad;
        _registry = registry;
    }

    /// <summary>Number of times the batch function was called.</summary>
    public int BatchCount { get; private set; }

    /// <summary>Queues a key and returns a task completed when the batch containing it is fetched.</summary>
    public Task<TValue?> LoadAsync(TKey key)
    {
        TaskCompletionSource<TValue?> source;
        lock (_lock)
        {
            if (_cache.TryGetValue(key, out var existing))
            {
                return existing.Task;
            }

            // Continuations run inline when the batch completes, so the next level's loads queue up before
            // the executor looks for more work: that is what makes one fetch per level.
            source = new TaskCompletionSource<TValue?>();
            _cache[key] = source;
            _pending.Add((key, source));
        }

        _registry.NotifyPending();
        return source.Task;
    }

    /// <summary>
    /// Seeds the cache with a value fetched another way (with the parent rows, say): a later <see cref="LoadAsync"/>
    /// of the key completes at once, without a batch. A key already loaded or queued keeps its value.
    /// </summary>
    public void Prime(TKey key, TValue value)
    {
        lock (_lock)
        {
            if (!_cache.ContainsKey(key))
            {
                var source = new TaskCompletionSource<TValue?>();
                source.SetResult(value);
                _cache[key] = source;
            }
        }
    }

    bool IDataLoaderDispatch.HasPending
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count > 0;
            }
        }
    }

    async Task IDataLoaderDispatch.DispatchAsync(CancellationToken cancellationToken)
    {
        List<(TKey Key, TaskCompletionSource<TValue?> Source)> batch;
        lock (_lock)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            batch = _pending;
            _pending = [];
        }

        var keys = new TKey[batch.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = batch[i].Key;
        }

        IReadOnlyDictionary<TKey, TValue> values;
        try
        {
            BatchCount++;
            values = await _batchLoad(keys, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            foreach (var (_, source) in batch)
            {
                source.TrySetException(error);
            }

            return;
        }

        foreach (var (key, source) in batch)
        {
            source.TrySetResult(values.TryGetValue(key, out var value) ? value : default);
        }
    }
}

internal interface IDataLoaderDispatch
{
    bool HasPending { get; }

    Task DispatchAsync(CancellationToken cancellationToken);
}

/// <summary>The DataLoaders of one request, and the signal the executor waits on.</summary>
internal sealed class DataLoaderRegistry
{
    private readonly Dictionary<string, IDataLoaderDispatch> _loaders = new(StringComparer.Ordinal);
    private readonly object _lock = new();
    private TaskCompletionSource? _pendingSignal;

    public DataLoader<TKey, TValue> GetOrAdd<TKey, TValue>(string name, BatchLoadFunction<TKey, TValue> batchLoad)
        where TKey : notnull =>
        GetOrAdd(name, static batchLoad => batchLoad, batchLoad);

    public DataLoader<TKey, TValue> GetOrAdd<TKey, TValue, TState>(string name, Func<TState, BatchLoadFunction<TKey, TValue>> createBatchLoad, TState state)
        where TKey : notnull
    {
        lock (_lock)
        {
            if (_loaders.TryGetValue(name, out var existing))
            {
                return existing as DataLoader<TKey, TValue>
                    ?? throw new InvalidOperationException($"DataLoader \"{name}\" was already created with other key or value types.");
            }

            var loader = new DataLoader<TKey, TValue>(createBatchLoad(state), this);
            _loaders[name] = loader;
            return loader;
        }
    }

    public bool HasPending
    {
        get
        {
            lock (_lock)
            {
                foreach (var loader in _loaders.Values)
                {
                    if (loader.HasPending)
                    {
                        return true;
                    }
                }

                return false;
            }
        }
    }

    public void NotifyPending()
    {
        TaskCompletionSource? signal;
        lock (_lock)
        {
            signal = _pendingSignal;
            _pendingSignal = null;
        }

        signal?.TrySetResult();
    }

    /// <summary>A task that completes when a load is queued (at once if one is pending).</summary>
    public Task WhenPendingAsync()
    {
        lock (_lock)
        {
            foreach (var loader in _loaders.Values)
            {
                if (loader.HasPending)
                {
                    return Task.CompletedTask;
                }
            }

            _pendingSignal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _pendingSignal.Task;
        }
    }

    public async Task DispatchAllAsync(CancellationToken cancellationToken)
    {
        IDataLoaderDispatch[] loaders;
        lock (_lock)
        {
            loaders = [.. _loaders.Values];
        }

        foreach (var loader in loaders)
        {
            if (loader.HasPending)
            {
                await loader.DispatchAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
