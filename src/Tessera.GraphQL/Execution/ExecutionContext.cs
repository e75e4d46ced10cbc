using System.Collections;
using System.Text.Json;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;

namespace Tessera.GraphQL.Execution;

/// <summary>The state of one execution.</summary>
internal sealed class ExecutionContext
{
    private readonly List<GraphQLError> _errors = [];
    private DataLoaderRegistry? _dataLoaders;

    public required Schema Schema { get; init; }

    public required OperationDefinitionNode Operation { get; init; }

    public required Dictionary<string, FragmentDefinitionNode> Fragments { get; init; }

    public required IReadOnlyDictionary<string, object?> Variables { get; init; }

    public object? RootValue { get; init; }

    public object? UserContext { get; init; }

    public IServiceProvider? Services { get; init; }

    public CancellationToken CancellationToken { get; init; }

    public DataLoaderRegistry DataLoaders
    {
        get
        {
            var registry = _dataLoaders;
            if (registry is null)
            {
                Interlocked.CompareExchange(ref _dataLoaders, new DataLoaderRegistry(), null);
                registry = _dataLoaders!;
            }

            return registry;
        }
    }

    /// <summary>True once a resolver asked for a DataLoader.</summary>
    public bool HasDataLoaders => _dataLoaders is not null;

    public void AddError(GraphQLError error)
    {
        lock (_errors)
        {
            _errors.Add(error);
        }
    }

    public IReadOnlyList<GraphQLError>? Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.Count == 0 ? null : _errors.ToArray();
            }
        }
    }
}
