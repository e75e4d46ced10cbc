using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Tessera.Data;

/// <summary>
/// A query compiled once per model, that is per database provider. An <c>EF.CompileAsyncQuery</c> delegate keeps the
/// SQL of the provider it first ran on, and one process may use both providers (the test suite does).
/// </summary>
internal sealed class CompiledQuery<TDelegate>(Func<TDelegate> compile) where TDelegate : class
{
    private readonly ConcurrentDictionary<IModel, TDelegate> _byModel = new();

    public TDelegate For(TesseraDbContext db) => _byModel.GetOrAdd(db.Model, static (_, compile) => compile(), compile);
}
