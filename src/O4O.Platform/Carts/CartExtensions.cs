namespace O4O.Platform.Carts;

public static class CartExtensions
{
    public static IServiceCollection AddCarts(this IServiceCollection services) => services
        .AddSingleton<CartStore>()
        .AddSingleton<ShoppingCart>();
}
