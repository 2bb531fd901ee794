ALTER TABLE `bundles` ADD `state_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `workers` ADD `shared_pool` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `workers` ADD `preemptible` integer DEFAULT false NOT NULL;