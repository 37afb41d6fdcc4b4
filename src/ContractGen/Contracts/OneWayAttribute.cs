namespace ContractGen;

/// <summary>
/// Marks a contract method that returns <see cref="System.Threading.Tasks.Task"/> or
/// <see cref="System.Threading.Tasks.ValueTask"/> as one-way: the client sends it and returns without waiting for the
/// service, which sends no reply. The service still authorizes and validates it; one-way calls on a connection start
/// in the order they were sent. Failures in the service are logged there, never reported to the caller.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OneWayAttribute : Attribute
{
}
