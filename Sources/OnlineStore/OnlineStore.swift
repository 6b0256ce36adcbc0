// The OnlineStore module.
