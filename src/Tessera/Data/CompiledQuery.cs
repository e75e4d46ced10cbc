using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Tessera.Data;

/// <summary>
/// A query compiled once per model, that is per database provider. An <c>EF.CompileAsyncQuery</c> delegate keeps the
/// SQL of the provider it first ran on, and one process may use both providers (the test suite does). The cache holds
/// models weakly, so a model that is no longer used (a disposed test host's) is not kept alive by a static query.
/// </summary>
internal sealed class CompiledQuery<TDelegate>(Func<TDelegate> compile) where TDelegate : class
{
    private readonly ConditionalWeakTable<IModel, TDelegate> _byModel = [];

    public TDelegate For(TesseraDbContext db) =>
        _byModel.TryGetValue(db.Model, out var query) ? query : _byModel.GetValue(db.Model, _ => compile());
}
