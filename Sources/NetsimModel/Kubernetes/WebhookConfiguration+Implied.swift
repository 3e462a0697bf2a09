extension WebhookConfiguration {
    /// The annotation on objects netsim adds for an implied AWS Load Balancer Controller (its
    /// Deployment, webhook Service and webhook configurations), so messages can say so.
    public static let impliedAnnotation = "netsim.io/implied-by-load-balancer-controller"
}
