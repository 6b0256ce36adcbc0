// The Delta module.
