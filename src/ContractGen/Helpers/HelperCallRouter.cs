using System.Runtime.CompilerServices;
using System.Runtime.Versioning;
using ContractGen.Protocol;

namespace ContractGen.Helpers;

/// <summary>
/// Sends each call of a helper's proxy over the current helper session, starting a helper when none runs, and turns
/// the connection errors of a helper that went away into <see cref="ServiceInterruptedException"/> or
/// <see cref="ServiceInvalidatedException"/>.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class HelperCallRouter(HelperConnection owner) : CallRouter
{
    public override async ValueTask<TResult> InvokeAsync<TArguments, TResult, TResultCodec>(uint methodId, TArguments arguments, CancellationToken cancellationToken)
    {
        var session = await owner.AcquireAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await session.Connection.InvokeAsync<TArguments, TResult, TResultCodec>(methodId, arguments, cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceConnectionException ex)
        {
            throw await owner.TranslateFailureAsync(session, ex, methodId).ConfigureAwait(false);
        }
        finally
        {
            owner.Release(session);
        }
    }

    public override async ValueTask InvokeAsync<TArguments>(uint methodId, TArguments arguments, CancellationToken cancellationToken)
    {
        var session = await owner.AcquireAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await session.Connection.InvokeAsync(methodId, arguments, cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceConnectionException ex)
        {
            throw await owner.TranslateFailureAsync(session, ex, methodId).ConfigureAwait(false);
        }
        finally
        {
            owner.Release(session);
        }
    }

    public override async ValueTask SendOneWayAsync<TArguments>(uint methodId, TArguments arguments, CancellationToken cancellationToken)
    {
        var session = await owner.AcquireAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await session.Connection.SendOneWayAsync(methodId, arguments, cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceConnectionException ex)
        {
            throw await owner.TranslateFailureAsync(session, ex, methodId).ConfigureAwait(false);
        }
        finally
        {
            owner.Release(session);
        }
    }

    public override async IAsyncEnumerable<TItem> InvokeStreamAsync<TArguments, TItem, TItemCodec>(
        uint methodId,
        TArguments arguments,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The stream counts as a call in flight until it ends, so an idle exit never cuts it off.
        var session = await owner.AcquireAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var items = session.Connection.InvokeStreamAsync<TArguments, TItem, TItemCodec>(methodId, arguments, cancellationToken).GetAsyncEnumerator(cancellationToken);
            await using (items.ConfigureAwait(false))
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await items.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (ServiceConnectionException ex)
                    {
                        throw await owner.TranslateFailureAsync(session, ex, methodId).ConfigureAwait(false);
                    }

                    if (!more)
                    {
                        yield break;
                    }

                    yield return items.Current;
                }
            }
        }
        finally
        {
            owner.Release(session);
        }
    }
}
