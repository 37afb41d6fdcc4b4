// CGEN1006: two methods with one wire id (docs/diagnostics/CGEN1006.md).
// PingAsync(CancellationToken) reaches the contract through two base interfaces: a call could not say which one it means.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN1006.cs(22,26): error CGEN1006: Rename one of the methods 'PingAsync():void' and 'PingAsync():void' of contract 'Diagnostics.Samples.Cgen1006.IService': they share the wire id 0x8f0fdf78, so the service could not tell them apart
using System.Threading;
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen1006;

public interface IPingable
{
    Task PingAsync(CancellationToken cancellationToken = default);
}

public interface IHealth
{
    Task PingAsync(CancellationToken cancellationToken = default);
}

[ServiceContract(Name = "com.example.samples.cgen1006", Context = ServiceContext.User)]
public partial interface IService : IPingable, IHealth
{
}
