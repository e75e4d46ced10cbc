using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Tessera.DataApi;

/// <summary>
/// An EF Core compiled query, compiled once per model: a compiled query may only run against the model it was
/// compiled with, and a process can hold two (the test suite runs SQLite and PostgreSQL side by side).
/// </summary>
internal sealed class CompiledQuery<TQuery>(Func<TQuery> compile) where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _byModel = [];

    public TQuery For(DbContext db) => _byModel.TryGetValue(db.Model, out var query) ? query : _byModel.GetValue(db.Model, _ => compile());
}
